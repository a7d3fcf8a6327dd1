"""Writing events: one at a time, or one per issue of a queryset in a single statement."""

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from civicdesk import timekeeping
from civicdesk.rows import insert
from civicdesk.timeline.models import Event


def new_event(
    *,
    kind: str,
    issue=None,
    activity=None,
    actor=None,
    actor_role: str = "system",
    from_value: str = "",
    to_value: str = "",
    note: str = "",
    public: bool = True,
    at: datetime | None = None,
) -> Event:
    """An event, not yet written."""
    event = Event(
        issue=issue,
        activity=activity,
        actor=actor,
        actor_role=actor_role,
        kind=kind,
        from_value=from_value,
        to_value=to_value,
        note=note,
        public=public,
    )
    event.created_at = at or timekeeping.now()
    return event


def record(**fields: Any) -> Event:
    """Write one event; `fields` as for `new_event`."""
    event = new_event(**fields)
    event.save()
    return event


def record_all(*events: Event) -> None:
    """Write several new events in one statement."""
    insert(events)


def record_for_issues(
    issues: QuerySet,
    *,
    kind: str,
    at: datetime,
    activity_id: int | None = None,
    actor_id: int | None = None,
    actor_role: str = "staff",
    from_status: bool = False,
    from_value: str = "",
    to_value: str = "",
    note: str = "",
    public: bool = True,
) -> int:
    """One event per issue of `issues`, in one INSERT … SELECT whatever their number.

    With `from_status`, each event's from_value is the issue's status before the change,
    so call it before the UPDATE that makes the change."""
    ids_sql, ids_params = issues.values("id").query.sql_with_params()
    table = Event._meta.db_table
    issue_table = issues.model._meta.db_table
    from_column = "i.status" if from_status else "%s"
    sql = (
        f"INSERT INTO {table} (issue_id, activity_id, actor_id, actor_role, kind, from_value,"
        f" to_value, note, public, created_at)"
        f" SELECT i.id, %s, %s, %s, %s, {from_column}, %s, %s, %s, %s"
        f" FROM {issue_table} i WHERE i.id IN ({ids_sql})"
    )
    params = [activity_id, actor_id, actor_role, kind]
    params += [] if from_status else [from_value]
    params += [to_value, note, public, connection.ops.adapt_datetimefield_value(at), *ids_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
