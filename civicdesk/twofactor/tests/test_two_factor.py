"""Staff two-factor sign-in: enrolment, the code step after the password, backup codes,
throttling, the setting that makes it mandatory, the admin's login and API tokens."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.accounts.models import User
from civicdesk.accounts.services import issue_api_token
from civicdesk.twofactor import services

SIGN_IN = "/staff/sign-in/"
CODE = "/staff/sign-in/code/"
PAGE = "/staff/two-factor/"


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the staff member's app shows (`steps_ahead` periods later)."""
    if steps_ahead == 0:
        value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    else:
        clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        clock.time = time.time() + steps_ahead * device.step
        value = clock.token()
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_of(device, steps) for steps in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@pytest.fixture
def authenticator(staff) -> TOTPDevice:
    return TOTPDevice.objects.create(user=staff, name=services.AUTHENTICATOR, confirmed=True)


@pytest.fixture
def backup_codes(staff, authenticator) -> list[str]:
    return services.new_backup_codes(staff)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def password_step(client, username: str = "thandi", password: str = "x"):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_enrolment_shows_the_qr_code_then_a_code_turns_it_on_and_backup_codes_show_once(
    client, staff
):
    client.force_login(staff)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert secret.replace(" ", "") in device.config_url
    assert client.get(PAGE).content.decode().count(secret) == 1  # the same key on reload

    refused = client.post(PAGE, {"action": "confirm", "code": wrong_code(device)})
    assert refused.status_code == 400
    assert not services.has_device(staff)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    done = client.post(PAGE, {"action": "confirm", "code": code_of(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == services.BACKUP_CODE_COUNT
    assert all(code in done.content.decode() for code in codes)
    assert "no-store" in done["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
    )
    # The session that enrolled counts as verified; the codes are never shown again.
    later = client.get(PAGE)
    assert later.status_code == 200
    assert not any(code in later.content.decode() for code in codes)
    assert client.get("/staff/").status_code == 200


def test_with_a_device_the_password_alone_signs_nobody_in(client, staff, authenticator):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == CODE
    assert not signed_in(client)
    assert client.get("/staff/")["Location"].startswith(SIGN_IN)

    refused = client.post(CODE, {"code": wrong_code(authenticator)})
    assert refused.status_code == 400
    assert not signed_in(client)

    authenticator.throttling_failure_timestamp = None  # let django-otp's pause pass
    authenticator.save()
    accepted = client.post(CODE, {"code": code_of(authenticator)})
    assert accepted.status_code == 302 and accepted["Location"] == "/staff/"
    assert signed_in(client)
    assert client.get("/staff/").status_code == 200


def test_without_a_device_the_password_signs_in_at_once(client, staff):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert signed_in(client)
    assert client.get("/staff/").status_code == 200


def test_a_wrong_password_never_reaches_the_code_step(client, staff, authenticator):
    response = password_step(client, password="wrong")
    assert response.status_code == 200
    assert client.get(CODE)["Location"] == SIGN_IN


def test_the_code_step_is_throttled_after_a_wrong_code(client, staff, authenticator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # the first pause: a minute instead of a second
    password_step(client)
    client.post(CODE, {"code": wrong_code(authenticator)})
    # Even the right code waits while django-otp's pause after the failure runs.
    paused = client.post(CODE, {"code": code_of(authenticator)})
    assert paused.status_code == 400
    assert "wait" in paused.content.decode()
    assert not signed_in(client)


def test_five_wrong_codes_ask_for_the_password_again(client, staff, authenticator):
    password_step(client)
    for _attempt in range(4):
        assert client.post(CODE, {"code": wrong_code(authenticator)}).status_code == 400
    last = client.post(CODE, {"code": wrong_code(authenticator)})
    assert last.status_code == 302 and last["Location"] == SIGN_IN
    TOTPDevice.objects.filter(pk=authenticator.pk).update(throttling_failure_timestamp=None)
    assert client.post(CODE, {"code": code_of(authenticator)})["Location"] == SIGN_IN
    assert not signed_in(client)


def test_the_code_step_expires(client, staff, authenticator, monkeypatch):
    password_step(client)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(CODE, {"code": "123456"})
    assert response["Location"] == SIGN_IN
    assert not signed_in(client)


def test_a_backup_code_works_once(client, staff, backup_codes):
    password_step(client)
    first = client.post(CODE, {"code": backup_codes[0].upper()})
    assert first.status_code == 302 and signed_in(client)
    assert services.backup_codes_left(staff) == services.BACKUP_CODE_COUNT - 1
    client.post("/staff/sign-out/")

    password_step(client)
    again = client.post(CODE, {"code": backup_codes[0]})
    assert again.status_code == 400
    assert not signed_in(client)


def test_new_backup_codes_replace_the_old(client, staff, authenticator, backup_codes):
    password_step(client)
    client.post(CODE, {"code": code_of(authenticator)})
    response = client.post(PAGE, {"action": "new-codes"})
    fresh = response.context["codes"]
    assert set(fresh).isdisjoint(backup_codes)
    assert StaticDevice.objects.filter(user=staff).count() == 1
    with pytest.raises(Exception, match="not right"):
        services.verify_code(staff, backup_codes[1])


def test_a_session_opened_elsewhere_gives_the_code_before_staff_pages(client, staff, authenticator):
    client.force_login(staff)  # e.g. the citizens' sign-in page, which asks no code
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next=/staff/"
    assert client.get("/reports/")["Location"].startswith(CODE)
    assert client.get(PAGE)["Location"].startswith(CODE)

    accepted = client.post(f"{CODE}?next=/staff/", {"code": code_of(authenticator)})
    assert accepted["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_required_two_factor_sends_staff_to_enrolment_first(client, staff, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    password_step(client)
    assert client.get("/staff/")["Location"] == PAGE
    assert client.get("/reports/")["Location"] == PAGE
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "must set up" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    client.post(PAGE, {"action": "confirm", "code": code_of(device)})
    assert client.get("/staff/").status_code == 200


def test_two_factor_page_is_for_staff(client, staff):
    citizen = User.objects.create_user("citizen@example.org", password="x")
    client.force_login(citizen)
    assert client.get(PAGE).status_code == 403
    client.logout()
    assert client.get(PAGE)["Location"].startswith(SIGN_IN)


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("root", password="x")


def test_the_admin_login_asks_users_with_a_device_for_their_code(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    form = {"username": "root", "password": "x", "next": "/admin/"}
    without = client.post("/admin/login/", form)
    assert without.status_code == 200
    assert not signed_in(client)
    wrong = client.post("/admin/login/", form | {"otp_token": wrong_code(device)})
    assert wrong.status_code == 200 and not signed_in(client)

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    right = client.post("/admin/login/", form | {"otp_token": code_of(device)})
    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_without_a_device_asks_no_code(client, admin_user):
    response = client.post("/admin/login/", {"username": "root", "password": "x"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_unverified_admin_session_of_a_user_with_a_device_is_refused(client, admin_user):
    TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    client.force_login(admin_user)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_api_tokens_need_no_code(client, staff, authenticator, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    token = issue_api_token(staff)
    response = client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_throttle_pause_is_reported_in_seconds(staff, authenticator):
    authenticator.throttling_failure_count = 3
    authenticator.throttling_failure_timestamp = timezone.now() - timedelta(seconds=1)
    authenticator.save()
    with pytest.raises(Exception, match=r"wait 3 seconds"):
        services.verify_code(staff, code_of(authenticator))


def test_a_session_without_the_code_is_no_session_for_the_api_and_the_live_stream(
    client, staff, authenticator, electricity
):
    client.force_login(staff)
    assert client.get("/api/v1/units").status_code == 401
    assert client.get(f"/live/units/{electricity.pk}/events/").status_code == 403
    client.post(f"{CODE}?next=/staff/", {"code": code_of(authenticator)})
    assert client.get("/api/v1/units").status_code == 200


def test_an_admin_without_a_device_enrols_first_when_it_is_required(client, admin_user, settings):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    response = client.post("/admin/login/", {"username": "root", "password": "x"})
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/login/")["Location"] == PAGE
    assert client.get(PAGE).status_code == 200
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    client.post(PAGE, {"action": "confirm", "code": code_of(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_never_shows_a_device_secret(client, admin_user, authenticator):
    client.force_login(admin_user)
    base = f"/admin/otp_totp/totpdevice/{authenticator.pk}"
    page = client.get(f"{base}/change/")
    assert page.status_code == 200
    assert authenticator.key not in page.content.decode()
    assert client.get(f"{base}/config/").status_code == 403
    assert client.get(f"{base}/qrcode/").status_code == 403
