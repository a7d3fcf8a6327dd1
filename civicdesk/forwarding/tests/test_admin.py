"""Staff see forwardings and retry failed ones from the admin."""

from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.forwarding.models import Forwarding
from conftest import report_outage


def test_a_failed_forwarding_is_retried_from_the_list(client, down_provider, jurisdiction):
    report_outage(jurisdiction)
    Forwarding.objects.update(state=Forwarding.State.FAILED, attempts=3, last_error="HTTP 503")
    client.force_login(User.objects.create_superuser("admin", password="x"))
    changelist = reverse("admin:forwarding_forwarding_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and b"HTTP 503" in page.content
    client.post(
        changelist,
        {"action": "retry", "_selected_action": [Forwarding.objects.get().pk]},
    )
    forwarding = Forwarding.objects.get()
    assert (forwarding.state, forwarding.attempts) == (Forwarding.State.PENDING, 0)
    assert client.get(reverse("admin:forwarding_provider_changelist")).status_code == 200
