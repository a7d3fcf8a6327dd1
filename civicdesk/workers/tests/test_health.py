from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicdesk.accounts.models import Citizen, User
from civicdesk.alerts.models import Alert
from civicdesk.forwarding.models import Provider
from civicdesk.units.models import BusinessUnit
from civicdesk.workers.models import WorkerHeartbeat
from civicdesk.workers.scheduler import beat, tick


def test_details_are_for_staff_and_the_monitors_token_only(client, settings, db):
    """They name the site's parts; the public probe is /health/."""
    settings.HEALTH_DETAILS_TOKEN = "monitor-secret"
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer guessed"}):
        response = client.get(reverse("health-details"), **headers)
        assert response.status_code == 403
        assert "mail" not in response.json()
    client.force_login(User.objects.create_user("citizen@example.org"))
    assert client.get(reverse("health-details")).status_code == 403
    assert client.get(reverse("health")).status_code == 200


def test_details_are_ok_with_a_live_worker_and_a_mail_server(client, smtp, staff):
    beat("w1", timezone.now(), "DatabaseBackend")
    client.force_login(staff)

    response = client.get(reverse("health-details"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == body["mail"]["status"] == "ok"
    assert body["queue"] == {"status": "ok", "backend": "database", "ready": 0}
    assert body["workers"] == {"status": "ok", "alive": 1}


def test_details_say_what_is_down(client, settings, db):
    settings.EMAIL_PORT = 9  # no mail server
    settings.HEALTH_DETAILS_TOKEN = "monitor-secret"
    WorkerHeartbeat.objects.create(
        worker_id="old",
        host="h",
        pid=1,
        backend="x",
        started_at=timezone.now(),
        seen_at=timezone.now() - timedelta(minutes=5),
    )

    response = client.get(reverse("health-details"), HTTP_AUTHORIZATION="Bearer monitor-secret")

    assert response.status_code == 503
    body = response.json()
    assert body["mail"]["status"] == "down"
    assert body["workers"] == {"status": "down", "alive": 0}
    assert body["database"]["status"] == "ok"


def test_a_periodic_run_is_enqueued_once_whichever_scheduler_ticks(db, settings):
    now = timezone.now()
    assert tick(now) == ["sla_watch"]  # no alert is due: no delivery to run
    citizen = Citizen.objects.create(email="a@example.org", alert_channel="email")
    Alert.objects.create(citizen=citizen, channel="email", kind="issue_received")

    assert tick(now) == ["deliver_alerts"]
    assert tick(now) == []  # a second scheduler at the same moment loses
    later = now + timedelta(seconds=settings.ALERTS_POLL_SECONDS)
    assert tick(later) == ["deliver_alerts"]
    assert tick(now + timedelta(seconds=settings.SLA_WATCH_SECONDS)) == [
        "deliver_alerts",
        "sla_watch",
    ]
    assert DBTaskResult.objects.count() == 5


def test_providers_are_pulled_periodically_once_there_is_one(db, jurisdiction, settings):
    now = timezone.now()
    assert "provider_updates" not in tick(now)
    unit = BusinessUnit.objects.create(
        jurisdiction=jurisdiction, name="City Power", slug="city-power", is_external=True
    )
    Provider.objects.create(unit=unit, endpoint="http://127.0.0.1:9/open311/v2/", api_key="k")
    assert "provider_updates" in tick(now)
    assert "provider_updates" not in tick(now + timedelta(seconds=1))
    later = now + timedelta(seconds=settings.PROVIDER_PULL_SECONDS)
    assert "provider_updates" in tick(later)
    queued = DBTaskResult.objects.filter(task_path__endswith="pull_provider_updates")
    assert queued.count() == 2
