"""Updates from a provider (pushed to receive_update, or pulled): mapped, applied once."""

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

from civicdesk.alerts.models import Alert
from civicdesk.forwarding.models import AppliedUpdate, Forwarding
from civicdesk.forwarding.services import receive_update
from civicdesk.issues.models import Status
from civicdesk.open311.services import register_application
from civicdesk.timeline.models import Event
from conftest import report_outage


@pytest.fixture
def push_key(down_provider):
    application, _ = register_application("City Power updates")
    down_provider.push_application = application
    down_provider.save()
    return application


@pytest.fixture
def forwarded(down_provider, reporter, jurisdiction):
    """An issue City Power accepted as its request PWR-77."""
    issue = report_outage(jurisdiction, reporter=reporter)
    Forwarding.objects.filter(issue=issue).update(
        state=Forwarding.State.SENT, service_request_id="PWR-77"
    )
    issue.provider_reference = "PWR-77"
    issue.save()
    return issue


def push(application, **fields):
    params = {
        "service_request_id": "PWR-77",
        "update_id": "u1",
        "updated_datetime": "2026-11-23T10:00:00+02:00",
        "status": "open",
        "description": "",
    } | fields
    return receive_update(application=application, params=params)


def test_in_progress_reaches_the_citizen_once(push_key, forwarded):
    answer = push(push_key, status="IN_PROGRESS", description="A team is on site at the substation")
    assert answer == "u1"
    forwarded.refresh_from_db()
    assert forwarded.status == Status.IN_PROGRESS
    assert forwarded.responded_at is not None
    event = Event.objects.get(issue=forwarded, kind="status", to_value=Status.IN_PROGRESS)
    assert (event.public, event.actor_role, event.note) == (
        True,
        "provider",
        "A team is on site at the substation",
    )
    alerts = Alert.objects.filter(issue=forwarded).exclude(kind="issue_received").count()
    assert alerts == 1

    events = Event.objects.count()
    assert push(push_key, status="IN_PROGRESS", description="again?") == "u1"
    assert (Event.objects.count(), AppliedUpdate.objects.count()) == (events, 1)
    # A new id that says the same as the last update adds nothing either.
    push(
        push_key,
        update_id="u2",
        status="IN_PROGRESS",
        description="A team is on site at the substation",
    )
    assert Event.objects.count() == events


def test_fixed_resolves_and_asks_for_feedback(push_key, forwarded):
    push(push_key, status="closed", external_status_code="FIXED", description="Cable replaced")
    forwarded.refresh_from_db()
    assert forwarded.status == Status.RESOLVED
    assert forwarded.resolved_at is not None
    alert = Alert.objects.get(issue=forwarded, kind="issue_resolved")
    assert alert.payload["feedback_requested"] is True
    assert alert.payload["note"] == "Cable replaced"


def test_the_providers_own_codes_are_mapped(push_key, forwarded, down_provider):
    down_provider.status_map = {"CP-7": Status.DUPLICATE}
    down_provider.save()
    push(push_key, status="closed", external_status_code="cp-7", description="Same as PWR-70")
    forwarded.refresh_from_db()
    assert (forwarded.status, forwarded.closed_at is not None) == (Status.DUPLICATE, True)


def test_extended_status_without_description_still_shows(push_key, forwarded):
    push(push_key, status="ACTION_SCHEDULED")
    forwarded.refresh_from_db()
    assert forwarded.status == Status.ACKNOWLEDGED
    assert Event.objects.get(issue=forwarded, kind="status").note == "Action scheduled"


def test_an_older_update_adds_its_note_but_does_not_move_back(push_key, forwarded):
    push(push_key, update_id="u2", status="closed", updated_datetime="2026-11-23T12:00:00Z")
    push(
        push_key,
        update_id="u1",
        status="IN_PROGRESS",
        description="Crew dispatched",
        updated_datetime="2026-11-23T11:00:00Z",
    )
    forwarded.refresh_from_db()
    assert forwarded.status == Status.RESOLVED
    assert Event.objects.get(issue=forwarded, kind="provider_update").note == "Crew dispatched"


def test_not_our_responsibility_hands_back_to_dispatch(push_key, forwarded, city_power):
    push(push_key, status="NOT_COUNCILS_RESPONSIBILITY", description="Eskom supplies this area")
    forwarded.refresh_from_db()
    assert (forwarded.unit, forwarded.status, forwarded.provider_reference) == (
        None,
        Status.SUBMITTED,
        "",
    )
    routed = Event.objects.filter(issue=forwarded, kind="routed").last()
    assert (routed.from_value, routed.to_value) == ("City Power", "dispatch centre")
    assert Forwarding.objects.get().state == Forwarding.State.WITHDRAWN
    with pytest.raises(ObjectDoesNotExist):
        push(push_key, update_id="u9", status="closed")


def test_bad_pushes_are_refused_and_change_nothing(push_key, forwarded):
    events = Event.objects.count()
    with pytest.raises(ValidationError) as missing:
        receive_update(application=push_key, params={"service_request_id": "PWR-77"})
    assert {"update_id", "status", "updated_datetime"} <= set(missing.value.message_dict)
    with pytest.raises(ValidationError) as naive:
        push(push_key, updated_datetime="2026-11-23T10:00:00")
    assert "updated_datetime" in naive.value.message_dict
    with pytest.raises(ValidationError):
        push(push_key, updated_datetime="yesterday")
    with pytest.raises(ObjectDoesNotExist):
        push(push_key, service_request_id="PWR-1")
    stranger, _ = register_application("A citizen app")
    with pytest.raises(PermissionDenied):
        push(stranger, status="closed")
    assert Event.objects.count() == events
    assert not AppliedUpdate.objects.exists()
