"""Following an issue: the followers' alerts, from one issue and from an activity's fan-out,
count every follower once whether they reported, pushed or only follow."""

import pytest

from civicdesk.accounts.models import AlertChannel
from civicdesk.activities.services import create_activity, update_activity
from civicdesk.alerts.models import Alert
from civicdesk.alerts.services import followers
from civicdesk.citizens.services.following import follow, is_following, unfollow
from civicdesk.issues.models import Issue
from civicdesk.issues.services import Contact, acknowledge, citizen_for, push
from conftest import report_outage


@pytest.fixture
def outage(wards, electricity, reporter) -> Issue:
    return report_outage(electricity.jurisdiction, reporter)


def person(email: str):
    citizen = citizen_for(Contact(email=email))
    citizen.alert_channel = AlertChannel.EMAIL
    citizen.save(update_fields=["alert_channel"])
    return citizen


def test_a_follower_gets_the_issues_alerts_once_even_after_pushing(outage, staff):
    watcher, pusher = person("watcher@example.org"), person("pusher@example.org")
    assert follow(outage, watcher) is True
    push(outage, pusher)
    follow(outage, pusher)  # a pusher follows already: no Follow row
    push(outage, watcher)  # now both a Follow row and a push
    assert sorted(c.email for c in followers(outage)) == [
        "lerato@example.org",
        "pusher@example.org",
        "watcher@example.org",
    ]
    acknowledge(outage, staff)
    sent = Alert.objects.filter(kind="issue_acknowledged").values_list("citizen__email", flat=True)
    assert sorted(sent) == ["lerato@example.org", "pusher@example.org", "watcher@example.org"]


def test_an_activity_fan_out_alerts_followers_once_each(outage, programme, staff):
    watcher, pusher = person("watcher@example.org"), person("pusher@example.org")
    follow(outage, watcher)
    push(outage, pusher)
    follow(outage, pusher)
    reporter = citizen_for(Contact(email="lerato@example.org"))
    follow(outage, reporter)  # the reporter follows already
    other = report_outage(outage.jurisdiction, Contact(email="other@example.org"))
    follow(other, watcher)
    activity = create_activity(programme, staff, title="Fix the feeder", issues=[outage, other])
    Alert.objects.all().delete()
    update_activity(activity, staff, status="completed")
    sent = sorted(
        Alert.objects.filter(kind="issue_resolved").values_list("issue_id", "citizen__email")
    )
    assert sent == sorted(
        [
            (outage.pk, "lerato@example.org"),
            (outage.pk, "pusher@example.org"),
            (outage.pk, "watcher@example.org"),
            (other.pk, "other@example.org"),
            (other.pk, "watcher@example.org"),
        ]
    )


def test_unfollowing_stops_alerts_and_is_reported_by_is_following(outage, staff):
    watcher = person("watcher@example.org")
    follow(outage, watcher)
    assert is_following(outage, watcher)
    assert unfollow(outage, watcher) is True
    assert unfollow(outage, watcher) is False
    assert not is_following(outage, watcher)
    acknowledge(outage, staff)
    assert not Alert.objects.filter(citizen=watcher).exists()


def test_a_reporter_who_unfollows_is_muted_until_following_again(outage):
    reporter = citizen_for(Contact(email="lerato@example.org"))
    assert is_following(outage, reporter)
    assert unfollow(outage, reporter) is True
    assert not is_following(outage, reporter)
    assert follow(outage, reporter) is True
    assert is_following(outage, reporter)
