"""Knowing a follower's e-mail or number proves nothing: feedback from another device needs
the one-time code sent to that address, pushing or reporting with someone's address does
not make the browser theirs, and no answer says whether an address follows an issue."""

import re

import pytest
from django.core import mail
from django.test import Client

from civicdesk.activities.services import create_activity, update_activity
from civicdesk.citizens.services.feedback_codes import MAX_TRIES
from civicdesk.issues.models import Feedback
from civicdesk.issues.services import push
from conftest import report_outage

pytestmark = pytest.mark.django_db

LERATO = "lerato@example.org"  # the reporter fixture's address
NEIGHBOUR = "+27 82 555 0101"  # the neighbour fixture's number


@pytest.fixture
def resolved(wards, electricity, reporter, programme, staff):
    issue = report_outage(electricity.jurisdiction, reporter)
    activity = create_activity(programme, staff, title="Fix", issues=[issue])
    update_activity(activity, staff, status="completed")
    return issue


def feedback(client: Client, issue, **fields):
    return client.post(f"/issues/{issue.pk}/feedback/", {"fixed": "yes", "rating": "4", **fields})


def without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def mailed_code() -> str:
    [message] = mail.outbox
    mail.outbox.clear()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_the_answer_is_the_same_for_a_follower_and_a_stranger(resolved):
    follower = feedback(Client(), resolved, email=LERATO)
    assert mail.outbox and mail.outbox[0].to == [LERATO]
    stranger = feedback(Client(), resolved, email="nobody@example.org")
    assert len(mail.outbox) == 1  # nothing sent to an address that follows nothing
    assert follower.status_code == stranger.status_code == 200
    assert without_tokens(follower) == without_tokens(stranger).replace(
        "nobody@example.org", LERATO
    )
    assert not Feedback.objects.exists()


def test_only_the_code_sent_proves_the_address(resolved, electricity, reporter):
    other_issue = report_outage(electricity.jurisdiction, reporter)
    browser = Client()
    feedback(browser, resolved, email=LERATO)
    code = mailed_code()
    assert feedback(browser, other_issue, email=LERATO, code=code).status_code == 400
    assert feedback(Client(), resolved, email=LERATO, code=code).status_code == 400
    wrong = "000000" if code != "000000" else "111111"
    refused = feedback(browser, resolved, email=LERATO, code=wrong)
    assert refused.status_code == 400 and "wrong or has expired" in refused.content.decode()
    assert not Feedback.objects.exists()
    done = feedback(browser, resolved, email=LERATO, code=code, comment="Quick fix")
    assert done.status_code == 302
    assert Feedback.objects.get().citizen.email == LERATO
    # Used once: the same code does not give feedback again, even on another resolution.
    assert feedback(Client(), resolved, email=LERATO, code=code).status_code == 400


def test_a_code_is_refused_after_too_many_wrong_tries(resolved):
    browser = Client()
    feedback(browser, resolved, email=LERATO)
    code = mailed_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(MAX_TRIES):
        assert feedback(browser, resolved, email=LERATO, code=wrong).status_code == 400
    assert feedback(browser, resolved, email=LERATO, code=code).status_code == 400
    assert not Feedback.objects.exists()


def test_pushing_with_a_followers_address_neither_reveals_nor_impersonates(
    wards, electricity, reporter, neighbour, programme, staff
):
    issue = report_outage(electricity.jurisdiction, reporter)
    push(issue, neighbour)
    impostor = Client()
    known = impostor.post(f"/issues/{issue.pk}/push/", {"phone": NEIGHBOUR}, follow=True)
    new = Client().post(f"/issues/{issue.pk}/push/", {"email": "new@example.org"}, follow=True)
    known_text, new_text = known.content.decode(), new.content.decode()
    assert "already follow" not in known_text
    assert "Thank you: you push issue" in known_text and "Thank you: you push issue" in new_text
    # The browser that gave the pusher's number is not the pusher's.
    assert "You push this issue." not in known_text
    assert "You push this issue." in new_text  # a new address is this browser's
    assert issue.pushes.count() == 2

    activity = create_activity(programme, staff, title="Fix", issues=[issue])
    update_activity(activity, staff, status="completed")
    answer = feedback(impostor, issue)
    assert answer.status_code == 400 and not Feedback.objects.exists()


def test_reporting_with_someone_elses_address_does_not_make_the_browser_theirs(
    resolved, electricity
):
    browser = Client()
    response = browser.post(
        "/report/jhb/power-outage/details/",
        {
            "lat": "-26.2056",
            "lon": "28.047",
            "q_extent": "one",
            "email": LERATO,
            "key": "privacy-report-key-00001",
        },
    )
    assert response.status_code == 302
    assert "You reported this issue." not in browser.get(f"/issues/{resolved.pk}/").content.decode()
    assert feedback(browser, resolved).status_code == 400
    assert not Feedback.objects.exists()
