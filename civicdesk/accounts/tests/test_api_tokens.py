"""API tokens: manage.py create_api_token and the token services."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from civicdesk.accounts.models import ApiToken, User, hash_token
from civicdesk.accounts.services import authenticate_token, issue_api_token, revoke_api_token


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user("integrator", password="x")


def create_token(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_one_line_that_authenticates_as_the_user(user):
    out, _ = create_token("integrator", "--name", "Open311 bridge")

    lines = out.splitlines()
    assert len(lines) == 1
    assert authenticate_token(lines[0]) == user
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (user, "Open311 bridge")


def test_only_the_hash_and_a_prefix_are_stored(user):
    raw = issue_api_token(user)

    token = ApiToken.objects.get()
    assert token.key_hash == hash_token(raw)
    assert token.prefix == raw.removeprefix("cd_")[:8]
    stored = [str(v) for v in ApiToken.objects.values().get().values()]
    assert not any(raw in value for value in stored)


def test_each_token_is_different(user):
    assert issue_api_token(user) != issue_api_token(user)
    assert ApiToken.objects.count() == 2


def test_authenticating_records_when_the_token_was_last_used(user):
    raw = issue_api_token(user)
    assert ApiToken.objects.get().last_used_at is None

    authenticate_token(raw)

    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("raw", ["", "   ", "cd_not-a-token", None, 42])
def test_unknown_keys_do_not_authenticate(user, raw):
    issue_api_token(user)
    assert authenticate_token(raw) is None


def test_a_revoked_token_no_longer_authenticates(user):
    raw = issue_api_token(user)
    token = ApiToken.objects.get()

    revoke_api_token(token)

    assert token.revoked_at is not None
    assert authenticate_token(raw) is None


def test_revoking_twice_keeps_the_first_revocation_time(user):
    issue_api_token(user)
    token = ApiToken.objects.get()
    revoke_api_token(token)
    first = token.revoked_at

    revoke_api_token(ApiToken.objects.get())

    assert ApiToken.objects.get().revoked_at == first


def test_a_token_of_an_inactive_user_does_not_authenticate(user):
    raw = issue_api_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert authenticate_token(raw) is None


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        create_token("ghost")
    assert not ApiToken.objects.exists()


def test_the_command_refuses_an_inactive_user(user):
    user.is_active = False
    user.save(update_fields=["is_active"])

    with pytest.raises(CommandError, match="inactive"):
        create_token("integrator")
    assert not ApiToken.objects.exists()
