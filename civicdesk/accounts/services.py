"""API tokens: issuing, authenticating and revoking bearer tokens. Only hashes are stored."""

from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet

from civicdesk import timekeeping
from civicdesk.accounts.models import ApiToken, User, hash_token

PREFIX_LENGTH = 8
# Writing last_used_at on every request would make each API call a write; a minute is
# precise enough to see which tokens are in use.
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def issue_api_token(user: User, name: str = "") -> str:
    """Create a token for `user` and return its raw key, which is never stored."""
    raw = ApiToken.new_raw_key()
    ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw.removeprefix(ApiToken.RAW_PREFIX)[:PREFIX_LENGTH],
        key_hash=hash_token(raw),
        created_at=timekeeping.now(),
    )
    return raw


def authenticate_token(raw: str) -> User | None:
    """The active user a raw key belongs to, or None for an unknown or revoked key."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw.strip()), revoked_at=None)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timekeeping.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
    return token.user


def revoke_api_tokens(tokens: QuerySet[ApiToken]) -> int:
    """Revoke the tokens not yet revoked, in one statement; returns how many were."""
    return tokens.filter(revoked_at=None).update(revoked_at=timekeeping.now())


def revoke_api_token(token: ApiToken) -> None:
    """Revoke one token; revoking it again keeps the first revocation time."""
    if token.revoked_at is not None:
        return
    revoke_api_tokens(ApiToken.objects.filter(pk=token.pk))
    token.refresh_from_db(fields=["revoked_at"])
