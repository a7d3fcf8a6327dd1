"""Backups that are known to restore: dump a database, wipe it, restore the dump and
compare every table's row count and checksum with those taken before.

PostgreSQL is dumped with pg_dump (custom format) and restored with pg_restore, the tools
a production schedule uses; SQLite with its online backup API. The checksum of a table is
order-independent: on PostgreSQL the md5 of its rows' md5s (each row as text) in order,
computed by the server; on SQLite the same over each row's repr, in Python."""

import hashlib
import os
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

Fingerprint = dict[str, tuple[int, str]]


class BackupError(Exception):
    """A dump or restore failed, or what came back differs from what was dumped."""


@dataclass(frozen=True)
class Difference:
    table: str
    before: tuple[int, str] | None
    after: tuple[int, str] | None

    def __str__(self) -> str:
        def rows(state: tuple[int, str] | None) -> str:
            return "missing" if state is None else f"{state[0]} rows, checksum {state[1][:12]}"

        return f"{self.table}: before {rows(self.before)}, after {rows(self.after)}"


def _quoted(connection: BaseDatabaseWrapper, table: str) -> str:
    return connection.ops.quote_name(table)


def fingerprint(using: str = "default") -> Fingerprint:
    """Every table's row count and checksum of its contents."""
    connection = connections[using]
    tables = sorted(connection.introspection.table_names())
    found: Fingerprint = {}
    with connection.cursor() as cursor:
        for table in tables:
            name = _quoted(connection, table)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), ''))"
                    f" FROM (SELECT md5(t::text) AS h FROM {name} t) rows"
                )
                count, checksum = cursor.fetchone()
            else:
                cursor.execute(f"SELECT * FROM {name}")
                hashes = sorted(hashlib.md5(repr(row).encode()).hexdigest() for row in cursor)
                count, checksum = len(hashes), hashlib.md5("".join(hashes).encode()).hexdigest()
            found[table] = (count, checksum)
    return found


def differences(before: Fingerprint, after: Fingerprint) -> list[Difference]:
    return [
        Difference(table, before.get(table), after.get(table))
        for table in sorted(before.keys() | after.keys())
        if before.get(table) != after.get(table)
    ]


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for the connection's database (no password on a command line)."""
    params = connection.get_connection_params()
    names = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "sslmode": "PGSSLMODE",
    }
    env = {var: str(params[key]) for key, var in names.items() if params.get(key)}
    return os.environ | env | {"PGDATABASE": params["dbname"]}


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def dump(path: Path, using: str = "default") -> None:
    """Write the whole database to `path`."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        env = _pg_environment(connection)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}"], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)
    else:
        raise BackupError(f"no backup method for {connection.vendor}")


def wipe(using: str = "default") -> None:
    """Drop every table of the database."""
    connection = connections[using]
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
        for table in tables:
            cascade = " CASCADE" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TABLE IF EXISTS {_quoted(connection, table)}{cascade}")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = ON")
    if connection.introspection.table_names():
        raise BackupError("tables are left after wiping")


def restore(path: Path, using: str = "default") -> None:
    """Load the dump at `path` into the (wiped) database."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        connection.close()  # pg_restore must not wait on this session's locks
        env = _pg_environment(connection)
        command = ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={env['PGDATABASE']}"]
        _run([*command, str(path)], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as source:
            source.backup(connection.connection)
    else:
        raise BackupError(f"no restore method for {connection.vendor}")


def check_backup_restore(path: Path, using: str = "default") -> Fingerprint:
    """Dump, wipe, restore; the tables' fingerprint, identical before and after, or a
    BackupError naming every table that differs."""
    before = fingerprint(using)
    dump(path, using)
    wipe(using)
    restore(path, using)
    after = fingerprint(using)
    found = differences(before, after)
    if found:
        raise BackupError("restored database differs: " + "; ".join(map(str, found)))
    return after
