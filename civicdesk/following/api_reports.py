"""Reports through the JSON API, safe to retry: the same Idempotency-Key from the same user
gets the issue the first request made."""

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from civicdesk.accounts.models import User
from civicdesk.following.models import ApiReport
from civicdesk.issues.models import Issue, Source
from civicdesk.issues.services import Contact, report_issue
from civicdesk.places.models import Jurisdiction

MAX_KEY_LENGTH = 200


def fingerprint(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def _earlier(user: User, key: str, digest: str) -> Issue | None:
    earlier = ApiReport.objects.select_related("issue").filter(user=user, idempotency_key=key)
    found = earlier.first()
    if found is None:
        return None
    if found.fingerprint != digest:
        raise ValidationError(
            {"Idempotency-Key": "this key was already used for a different report"}
        )
    return found.issue


def report_once(
    user: User, jurisdiction: Jurisdiction, fields: dict[str, Any], idempotency_key: str = ""
) -> tuple[Issue, bool]:
    """Report an issue as `user` (report_issue's keyword `fields`); return it and whether it
    is new. A repeat of a key returns the first issue; a key reused for different fields
    is refused."""
    key = idempotency_key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError({"Idempotency-Key": f"at most {MAX_KEY_LENGTH} characters"})
    digest = fingerprint(fields | {"jurisdiction": jurisdiction.slug})
    if key and (earlier := _earlier(user, key, digest)) is not None:
        return earlier, False
    try:
        with transaction.atomic():
            issue = report_issue(
                jurisdiction=jurisdiction,
                reporter=Contact(user=user),
                source=Source.API,
                **fields,
            )
            if key:
                ApiReport.objects.create(
                    user=user,
                    idempotency_key=key,
                    fingerprint=digest,
                    issue=issue,
                    created_at=issue.submitted_at,
                )
    except IntegrityError:
        # A concurrent retry with the same key won the race on the unique constraint.
        if not key or (earlier := _earlier(user, key, digest)) is None:
            raise
        return earlier, False
    return issue, True
