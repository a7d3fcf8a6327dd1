"""Queueing on routing, the fields sent, and retries with growing delays."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django_tasks_db.models import DBTaskResult

from civicdesk import timekeeping
from civicdesk.forwarding import services
from civicdesk.forwarding.models import Forwarding
from civicdesk.forwarding.outbound import request_fields
from civicdesk.issues.models import Photo
from civicdesk.issues.services import reroute
from civicdesk.timeline.models import Event
from conftest import report_outage


def test_a_report_routed_to_a_provider_is_queued_after_commit(
    down_provider, reporter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue = report_outage(down_provider.unit.jurisdiction, reporter=reporter)
    forwarding = Forwarding.objects.get(issue=issue)
    assert (forwarding.provider, forwarding.state, forwarding.attempts) == (
        down_provider,
        Forwarding.State.PENDING,
        0,
    )
    job = DBTaskResult.objects.get(task_path="civicdesk.forwarding.tasks.forward_issue")
    assert job.args_kwargs["args"] == [forwarding.pk]


def test_a_report_for_an_internal_unit_is_not_forwarded(electricity, jurisdiction):
    report_outage(jurisdiction)
    assert not Forwarding.objects.exists()


def test_rerouting_to_a_provider_queues_and_away_withdraws(
    jurisdiction, electricity, down_provider, dispatcher
):
    # Two units cover power outages: the report waits for the dispatch centre.
    issue = report_outage(jurisdiction)
    assert issue.unit is None
    reroute(issue, down_provider.unit, dispatcher)
    forwarding = Forwarding.objects.get(issue=issue)
    assert forwarding.state == Forwarding.State.PENDING
    reroute(issue, electricity, dispatcher, reason="City Power says it is a municipal line")
    forwarding.refresh_from_db()
    assert forwarding.state == Forwarding.State.WITHDRAWN
    assert Forwarding.objects.count() == 1


def test_fields_sent_hold_no_personal_data_unless_allowed(
    down_provider, reporter, jurisdiction, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    issue = report_outage(jurisdiction, reporter=reporter, description="Whole block dark")
    photo = Photo(issue=issue)
    photo.image.save("pole.png", ContentFile(b"not checked here"))
    fields = request_fields(issue, down_provider)
    names = [name for name, _ in fields]
    assert dict(fields)["service_code"] == "PWR"
    assert dict(fields)["attribute[extent]"] == "street"
    assert dict(fields)["description"] == "Whole block dark"
    # The photo's page, which stops serving it once staff hide it; never the file itself.
    assert dict(fields)["media_url"] == f"{settings.SITE_URL}/photos/{photo.pk}/"
    assert {"lat", "long"} <= set(names)
    assert not {"email", "phone", "first_name", "last_name"} & set(names)
    assert "lerato" not in repr(fields).lower()

    down_provider.send_contact = True
    allowed = dict(request_fields(issue, down_provider))
    assert (allowed["email"], allowed["first_name"], allowed["last_name"]) == (
        "lerato@example.org",
        "Lerato",
        "Mokoena",
    )


def test_provider_down_retries_with_growing_delays_then_fails(down_provider, jurisdiction):
    issue = report_outage(jurisdiction)
    forwarding = Forwarding.objects.get(issue=issue)
    start = timekeeping.now()

    first = services.forward(forwarding.pk)
    assert (first.state, first.attempts) == (Forwarding.State.PENDING, 1)
    assert "ConnectError" in first.last_error
    assert first.next_attempt_at - start >= timedelta(minutes=1)
    # Not due yet: nothing happens.
    assert services.forward(forwarding.pk) is None

    with timekeeping.as_of(first.next_attempt_at):
        second = services.forward(forwarding.pk)
    assert second.attempts == 2
    assert second.next_attempt_at - first.next_attempt_at >= timedelta(minutes=2)

    with timekeeping.as_of(second.next_attempt_at):
        third = services.forward(forwarding.pk)
    assert (third.state, third.attempts, third.next_attempt_at) == (
        Forwarding.State.FAILED,
        3,
        None,
    )
    failure = Event.objects.get(issue=issue, kind="forward_failed")
    assert not failure.public
    assert not Event.objects.filter(issue=issue, kind="forwarded").exists()

    services.retry(third)
    third.refresh_from_db()
    assert (third.state, third.attempts) == (Forwarding.State.PENDING, 0)


def test_an_unmapped_issue_type_fails_at_once(down_provider, jurisdiction):
    down_provider.service_codes = {"pothole": "POT"}
    down_provider.save()
    report_outage(jurisdiction)
    forwarding = services.forward(Forwarding.objects.get().pk)
    assert (forwarding.state, forwarding.attempts) == (Forwarding.State.FAILED, 1)
    assert "no service_code" in forwarding.last_error


def test_the_sweep_takes_back_a_send_lost_with_its_worker(down_provider, jurisdiction):
    report_outage(jurisdiction)
    lost_at = timekeeping.now() - timedelta(minutes=10)
    Forwarding.objects.update(state=Forwarding.State.SENDING, claimed_at=lost_at)
    assert services.forward_due() == 1
    forwarding = Forwarding.objects.get()
    assert (forwarding.state, forwarding.attempts) == (Forwarding.State.PENDING, 1)


def test_retry_refuses_what_did_not_fail(down_provider, jurisdiction):
    report_outage(jurisdiction)
    with pytest.raises(Exception, match="only a failed forwarding"):
        services.retry(Forwarding.objects.get())
