"""Set-up helpers for the back-office tests: open issues written in bulk (so that the code
under test, not the set-up, is what the query counts measure) and staff roles."""

from datetime import timedelta

from civicdesk.accounts.models import AlertChannel, Citizen, User
from civicdesk.issues.models import Issue, Push
from civicdesk.timekeeping import now
from civicdesk.units.models import BusinessUnit, Membership, Programme

BATCH = 1000
CARLTON_CENTRE = (-26.2056, 28.0470)


def open_issues(
    unit: BusinessUnit,
    issue_type,
    count: int,
    *,
    pushers: int = 0,
    lat: float = CARLTON_CENTRE[0],
    lon: float = CARLTON_CENTRE[1],
    spread: float = 0.0005,
    age: timedelta = timedelta(hours=1),
    area=None,
) -> list[Issue]:
    """`count` submitted issues of `unit`, each with a reporter who wants e-mail alerts
    and `pushers` pushers, around a point, reported `age` ago (a little apart)."""
    level = unit.service_levels.filter(issue_type=issue_type).first()
    start = now() - age
    people = Citizen.objects.bulk_create(
        [
            Citizen(
                email=f"person{n}-{start.timestamp()}@example.org", alert_channel=AlertChannel.EMAIL
            )
            for n in range(count * (1 + pushers))
        ],
        batch_size=BATCH,
    )
    issues = Issue.objects.bulk_create(
        [
            Issue(
                jurisdiction=unit.jurisdiction,
                issue_type=issue_type,
                lat=lat + spread * ((n % 7) - 3) / 3,
                lon=lon + spread * ((n % 5) - 2) / 2,
                area=area,
                unit=unit,
                service_level=level,
                reporter=people[n * (1 + pushers)],
                submitted_at=start + timedelta(seconds=n),
                updated_at=start + timedelta(seconds=n),
                response_due=level and start + level.response_target,
                resolution_due=level and start + level.resolution_target,
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
    return issues


def member(programme: Programme, username: str, role: str = Membership.Role.MEMBER) -> User:
    user = User.objects.create_user(username, password="x", first_name=username.title())
    Membership.objects.create(programme=programme, user=user, role=role)
    return user
