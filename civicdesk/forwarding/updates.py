"""Applying a provider's updates to the forwarded issue, each at most once."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from civicdesk import timekeeping
from civicdesk.forwarding.models import AppliedUpdate, Forwarding
from civicdesk.forwarding.statuses import STANDARD, normalise, our_status
from civicdesk.issues.services.provider import DISPATCH, apply_provider_update


@dataclass(frozen=True)
class ProviderUpdate:
    update_id: str
    status: str
    updated_at: datetime
    description: str = ""
    external_status_code: str = ""
    media_url: str = ""
    # The request's state from GET requests rather than an update of the provider's feed.
    snapshot: bool = False

    @property
    def key(self) -> str:
        """What the provider says, to tell a repeat from news."""
        return "/".join(
            filter(None, [normalise(self.status), normalise(self.external_status_code)])
        )


def parse_w3c(value: Any, field: str) -> datetime:
    """A W3C date-time; Open311 requires the time zone."""
    try:
        parsed = parse_datetime(str(value or "").strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationError({field: f"{value!r} is not a W3C date-time with a time zone"})
    return parsed


def from_request(request: dict[str, Any]) -> ProviderUpdate:
    """A GET requests answer as an update: its state at its updated_datetime."""
    updated = request.get("updated_datetime") or request.get("requested_datetime")
    updated_at = parse_w3c(updated, "updated_datetime") if updated else timekeeping.now()
    status = str(request.get("status") or "")
    return ProviderUpdate(
        update_id=f"request@{updated_at.isoformat()}/{status}",
        status=status,
        updated_at=updated_at,
        description=str(request.get("status_notes") or ""),
        snapshot=True,
    )


def from_update(update: dict[str, Any]) -> ProviderUpdate:
    """A servicerequestupdates entry (pulled or pushed); raises ValidationError."""
    errors = {
        name: "required"
        for name in ("service_request_id", "update_id", "status", "updated_datetime")
        if not str(update.get(name) or "").strip()
    }
    if errors:
        raise ValidationError(errors)
    fields = {
        name: str(update.get(name) or "").strip()
        for name in ("update_id", "status", "description", "external_status_code", "media_url")
    }
    lengths = {"update_id": 100, "status": 64, "external_status_code": 64, "media_url": 500}
    if too_long := {f: f"at most {n} characters" for f, n in lengths.items() if len(fields[f]) > n}:
        raise ValidationError(too_long)
    return ProviderUpdate(
        updated_at=parse_w3c(update.get("updated_datetime"), "updated_datetime"), **fields
    )


def _note(update: ProviderUpdate) -> str:
    """The provider's description; an extended status without one still shows (e.g.
    "Action scheduled") so the citizen sees the provider's progress."""
    if update.description.strip():
        return update.description
    status = normalise(update.status)
    if status in STANDARD and status not in ("OPEN", "CLOSED"):
        return status.replace("_", " ").capitalize()
    return ""


@transaction.atomic
def apply_update(forwarding: Forwarding, update: ProviderUpdate) -> bool:
    """Apply a provider's update to the forwarded issue once: an update id seen before,
    or a repeat of the provider's last word, changes nothing; nor does a request's state
    (from GET requests) no newer than the last update applied. An update older than the
    last one applied adds its note but does not move the status back. Returns whether
    the issue was told anything."""
    forwarding = (
        Forwarding.objects.select_for_update()
        .select_related("provider", "issue")
        .get(pk=forwarding.pk)
    )
    if AppliedUpdate.objects.filter(forwarding=forwarding, update_id=update.update_id).exists():
        return False
    last = forwarding.last_updated_at
    if update.snapshot and last is not None and update.updated_at <= last:
        return False  # the state the updates already applied lead to
    AppliedUpdate.objects.create(
        forwarding=forwarding,
        update_id=update.update_id,
        status=update.status,
        external_status_code=update.external_status_code,
        description=update.description,
        media_url=update.media_url,
        updated_at=update.updated_at,
        applied_at=timekeeping.now(),
    )
    repeat = (update.key, update.description.strip()) == (
        forwarding.last_status,
        forwarding.last_note,
    )
    if repeat or forwarding.state == Forwarding.State.WITHDRAWN:
        return False
    stale = (
        forwarding.last_updated_at is not None and update.updated_at < forwarding.last_updated_at
    )
    target = (
        ""
        if stale
        else our_status(update.status, update.external_status_code, forwarding.provider.status_map)
    )
    note = _note(update)
    moved = apply_provider_update(forwarding.issue, target, note=note)
    if not stale:
        forwarding.last_status = update.key
        forwarding.last_note = update.description.strip()
        forwarding.last_updated_at = update.updated_at
    if moved and target == DISPATCH:
        forwarding.state = Forwarding.State.WITHDRAWN
    forwarding.save(update_fields=["last_status", "last_note", "last_updated_at", "state"])
    return moved or bool(note)
