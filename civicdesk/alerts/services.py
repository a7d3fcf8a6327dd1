"""Writing alerts to the outbox, in the caller's transaction. Delivery is the workers' job."""

import json
from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import QuerySet

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.alerts.messages import REPLY_KIND
from civicdesk.alerts.models import Alert, IssueAlertChoice
from civicdesk.following.models import Follow
from civicdesk.issues.models import Issue, Push
from civicdesk.rows import insert


def alert_citizens(
    citizens: Iterable[Citizen], *, kind: str, payload: dict, issue=None, activity=None
) -> list[Alert]:
    """One alert per citizen who wants alerts, on the channel they chose."""
    alerts = new_alerts(citizens, kind=kind, payload=payload, issue=issue, activity=activity)
    insert(alerts)
    return alerts


def new_alerts(
    citizens: Iterable[Citizen], *, kind: str, payload: dict, issue=None, activity=None
) -> list[Alert]:
    """The alerts `alert_citizens` writes, not yet written: on each citizen's choice for
    the issue, else their global channel. A new issue (not yet saved, as a report's) has
    no choices, so it costs no query."""
    now = timekeeping.now()
    recipients = {c.pk: c for c in citizens}
    chosen = {}
    if recipients and issue is not None and issue.pk is not None:
        chosen = dict(
            IssueAlertChoice.objects.filter(issue=issue, citizen_id__in=recipients).values_list(
                "citizen_id", "channel"
            )
        )
    alerts = []
    for citizen in recipients.values():
        channel = chosen.get(citizen.pk, citizen.alert_channel)
        if channel != AlertChannel.NONE:
            alerts.append(
                Alert(
                    citizen=citizen,
                    channel=channel,
                    kind=kind,
                    payload=payload,
                    issue=issue,
                    activity=activity,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    return alerts


def alert_channel_for(citizen: Citizen, issue: Issue) -> str:
    """How the citizen's alerts about the issue go: their choice for it, else their global
    channel ("none" for no alerts)."""
    chosen = IssueAlertChoice.objects.filter(citizen=citizen, issue=issue).values_list(
        "channel", flat=True
    )
    return next(iter(chosen), citizen.alert_channel)


def followers(issue: Issue) -> list[Citizen]:
    """The reporter, the pushers and the other followers of an issue, in one query."""
    pushed = Push.objects.filter(issue=issue).values("citizen_id")
    followed = Follow.objects.filter(issue=issue).values("citizen_id")
    return list(
        Citizen.objects.filter(reported_issues=issue)
        | Citizen.objects.filter(id__in=pushed)
        | Citizen.objects.filter(id__in=followed)
    )


def alert_followers(issue: Issue, *, kind: str, payload: dict, activity=None) -> list[Alert]:
    return alert_citizens(
        followers(issue), kind=kind, payload=payload, issue=issue, activity=activity
    )


def alert_unit(unit, *, kind: str, payload: dict, issue=None) -> Alert:
    now = timekeeping.now()
    return Alert.objects.create(
        unit=unit,
        channel=Alert.Channel.INBOX,
        kind=kind,
        payload=payload,
        issue=issue,
        created_at=now,
        next_attempt_at=now,
    )


def alert_followers_of_issues(
    issues: QuerySet,
    *,
    kind: str,
    payload: dict,
    at: datetime,
    activity_id: int | None = None,
    digest_key: str = "",
) -> int:
    """One alert per (issue, follower) of `issues` in one INSERT … SELECT, so the number of
    queries does not grow with the number of issues or followers. UNION ALL is safe: a
    reporter never pushes their own issue, a citizen pushes an issue once, and a Follow
    row counts only for a citizen who neither reported nor pushed the issue. Each alert
    goes on the follower's choice for its issue, else their global channel."""
    ids_sql, ids_params = issues.values("id").query.sql_with_params()
    issue_table = Issue._meta.db_table
    push_table = Push._meta.db_table
    follow_table = Follow._meta.db_table
    citizen_table = Citizen._meta.db_table
    choice_table = IssueAlertChoice._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(at)  # raw SQL: store as Django does
    payload_sql = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    sql = (
        f"INSERT INTO {Alert._meta.db_table} (citizen_id, channel, kind, payload, issue_id,"
        f" activity_id, digest_key, state, attempts, next_attempt_at, last_error, created_at)"
        f" SELECT f.citizen_id, COALESCE(ch.channel, c.alert_channel), %s, {payload_sql},"
        f" f.issue_id, %s, %s, %s, 0, %s, '', %s"
        f" FROM (SELECT i.id AS issue_id, i.reporter_id AS citizen_id FROM {issue_table} i"
        f" WHERE i.reporter_id IS NOT NULL AND i.id IN ({ids_sql})"
        f" UNION ALL SELECT p.issue_id, p.citizen_id FROM {push_table} p"
        f" WHERE p.issue_id IN ({ids_sql})"
        f" UNION ALL SELECT w.issue_id, w.citizen_id FROM {follow_table} w"
        f" JOIN {issue_table} wi ON wi.id = w.issue_id"
        f" WHERE w.issue_id IN ({ids_sql})"
        f" AND (wi.reporter_id IS NULL OR wi.reporter_id <> w.citizen_id)"
        f" AND NOT EXISTS (SELECT 1 FROM {push_table} wp"
        f" WHERE wp.issue_id = w.issue_id AND wp.citizen_id = w.citizen_id)) f"
        f" JOIN {citizen_table} c ON c.id = f.citizen_id"
        f" LEFT JOIN {choice_table} ch ON ch.citizen_id = f.citizen_id AND ch.issue_id = f.issue_id"
        f" WHERE COALESCE(ch.channel, c.alert_channel) <> %s"
    )
    params = [
        kind,
        json.dumps(payload),
        activity_id,
        digest_key,
        Alert.State.PENDING,
        stamp,
        stamp,
        *ids_params,
        *ids_params,
        *ids_params,
        AlertChannel.NONE,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def alert_staff_of_issues(
    issues: QuerySet,
    *,
    kind: str,
    payload: dict,
    at: datetime,
    user_id: int | None = None,
    email: str = "",
) -> int:
    """One alert per issue of `issues` for staff, in one INSERT … SELECT: to a named user
    when `user_id` is given, else to the issue's unit (its inbox, or `email` if given)."""
    ids_sql, ids_params = issues.values("id").query.sql_with_params()
    stamp = connection.ops.adapt_datetimefield_value(at)
    payload_sql = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    unit_sql = "NULL" if user_id is not None else "i.unit_id"
    channel = Alert.Channel.EMAIL if user_id is not None or email else Alert.Channel.INBOX
    sql = (
        f"INSERT INTO {Alert._meta.db_table} (user_id, unit_id, channel, kind, payload,"
        f" issue_id, digest_key, state, attempts, next_attempt_at, last_error, created_at)"
        f" SELECT %s, {unit_sql}, %s, %s, {payload_sql}, i.id, '', %s, 0, %s, '', %s"
        f" FROM {Issue._meta.db_table} i WHERE i.unit_id IS NOT NULL AND i.id IN ({ids_sql})"
    )
    params = [
        user_id,
        channel,
        kind,
        json.dumps(payload | ({"to": email} if email else {})),
        Alert.State.PENDING,
        stamp,
        stamp,
        *ids_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def queue_sms_reply(citizen: Citizen, text: str) -> Alert:
    """An SMS to the citizen in the outbox: workers send it, with retries. A reply answers
    something the citizen did (a message to the phone line, a code asked for), so it goes
    even when their alerts are stopped; it names no issue, so that no choice about an
    issue's alerts holds it back."""
    now = timekeeping.now()
    return Alert.objects.create(
        citizen=citizen,
        channel=Alert.Channel.SMS,
        kind=REPLY_KIND,
        payload={"text": text},
        created_at=now,
        next_attempt_at=now,
    )
