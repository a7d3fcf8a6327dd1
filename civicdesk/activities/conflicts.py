"""Two staff changing one activity at once: each change writes only the fields its editor
changed, and a field someone else changed meanwhile to another value is a conflict, not a
silent overwrite (see docs/decisions.md, "Concurrent edits of an activity")."""

from collections.abc import Mapping
from typing import Any

from civicdesk.accounts.models import User
from civicdesk.activities.models import Activity


class ActivityConflict(Exception):
    """The activity changed since the editor read it, in fields they change too. Nothing
    was saved; `activity` is the current version and `by` who changed it last."""

    def __init__(self, activity: Activity, fields: list[str], by: User | None) -> None:
        self.activity = activity
        self.fields = fields
        self.by = by
        who = (by.get_full_name() or by.get_username()) if by else "someone"
        super().__init__(
            f"{who} changed this activity meanwhile ({', '.join(fields)}); it is now at"
            f" version {activity.version}"
        )


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list | tuple | set):
        return frozenset(v.pk if hasattr(v, "pk") else v for v in value)
    return value


def last_editor(activity: Activity) -> User | None:
    """Who made the activity's latest change of its own (not a change of its issues)."""
    event = (
        activity.events.filter(issue__isnull=True, actor__isnull=False)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return event.actor if event else None


def check_edits(
    activity: Activity,
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    base: Mapping[str, Any] | None,
    version: int | None,
) -> None:
    """Raise ActivityConflict unless `changes` can be applied to the locked `activity`.

    `version` is the version the editor read (None: not known, the changes win). With
    `base`, the values the editor read, a newer version conflicts only in the fields both
    changed to different values; without it, any newer version is a conflict."""
    if version is None or version == activity.version:
        return
    if base is None:
        conflicts = sorted(changes)
    else:
        conflicts = [
            name
            for name, value in changes.items()
            if name in base
            and _comparable(current[name]) != _comparable(base[name])
            and _comparable(current[name]) != _comparable(value)
        ]
    if conflicts:
        raise ActivityConflict(activity, conflicts, last_editor(activity))
