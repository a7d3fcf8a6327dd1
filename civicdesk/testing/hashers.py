"""Argon2 at a test's cost: the same algorithm and library as production's
Argon2PasswordHasher (hashes start with "argon2"), with the work turned down, because the
tests create users by the hundred and production's parameters cost a good part of a second
each on a shared CI machine (docs/decisions.md)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64  # KiB (production: 100 MiB)
    parallelism = 1
