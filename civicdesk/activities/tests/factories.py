"""Bulk set-up of an activity linked to many issues, for the fan-out test and benchmark.
Set-up only: it writes rows directly so that the code under test is the fan-out itself."""

from datetime import timedelta

from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.activities.models import Activity, ActivityIssue
from civicdesk.issues.models import Issue, Push, Status
from civicdesk.timekeeping import now
from civicdesk.units.models import Programme

BATCH = 500


def activity_with_issues(
    programme: Programme, issue_type, count: int, *, pushers: int = 2
) -> Activity:
    """An in-progress activity linked to `count` acknowledged issues, each with its own
    reporter and `pushers` pushers, all of whom want e-mail alerts."""
    start = now() - timedelta(hours=2)
    level = programme.unit.service_levels.get(issue_type=issue_type)
    activity = Activity.objects.create(
        programme=programme, title=f"Fix {count}", status="in_progress"
    )
    people = Citizen.objects.bulk_create(
        [
            # One e-mail per citizen (a unique key), however many activities a test makes.
            Citizen(email=f"person{n}-a{activity.pk}@example.org", alert_channel=AlertChannel.EMAIL)
            for n in range(count * (1 + pushers))
        ],
        batch_size=BATCH,
    )
    issues = Issue.objects.bulk_create(
        [
            Issue(
                jurisdiction=programme.unit.jurisdiction,
                issue_type=issue_type,
                lat=-26.2056,
                lon=28.0470,
                unit=programme.unit,
                service_level=level,
                status=Status.IN_PROGRESS,
                reporter=people[n * (1 + pushers)],
                submitted_at=start,
                responded_at=start + timedelta(minutes=30),
                response_met=True,
                response_due=start + level.response_target,
                resolution_due=start + level.resolution_target,
                push_count=pushers,
            )
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    Push.objects.bulk_create(
        [
            Push(issue=issue, citizen=people[n * (1 + pushers) + k + 1])
            for n, issue in enumerate(issues)
            for k in range(pushers)
        ],
        batch_size=BATCH,
    )
    ActivityIssue.objects.bulk_create(
        [ActivityIssue(activity=activity, issue=issue) for issue in issues], batch_size=BATCH
    )
    return activity
