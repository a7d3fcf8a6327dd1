"""Staff two-factor sign-in: an authenticator app (TOTP, django-otp) confirmed with a code,
and one-time backup codes for when the phone is lost. Codes are checked against one chosen
device, never all of them, so that a wrong code counts against (and throttles) that device
only; django-otp doubles each device's waiting time after every failure."""

import math
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.accounts.models import User

AUTHENTICATOR = "Authenticator app"
BACKUP_CODES = "Backup codes"
BACKUP_CODE_COUNT = 10
TOTP_DIGITS = 6  # django-otp's default; backup codes are eight letters and digits


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the QR code (inline SVG) and the same secret as text."""

    device: TOTPDevice
    qr_svg: str
    secret: str


def has_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def start_enrolment(user: User) -> Enrolment:
    """The user's unconfirmed authenticator (made once, so reloading shows the same code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
    qr = segno.make(device.config_url, error="m")
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return Enrolment(
        device=device,
        qr_svg=qr.svg_inline(scale=4, light="#fff", title=_("QR code for your authenticator app")),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


def confirm_enrolment(user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code it shows; it replaces any earlier one,
    and a new set of backup codes replaces the old. Returns the device and the codes."""
    # Errors leave the transaction as values: raising inside would roll back the failure
    # that django-otp's throttle has just recorded.
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            problem = _("Start again: open the enrolment page first.")
        else:
            problem = _check(device, code, _("This code is not the one your app shows now."))
        if problem is None:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return device, _replace_backup_codes(user)
    raise ValidationError({"code": problem})


@transaction.atomic
def new_backup_codes(user: User) -> list[str]:
    """A fresh set of backup codes for a user with an authenticator; the old set stops working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Set up an authenticator app first."))
    return _replace_backup_codes(user)


def _replace_backup_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_CODES, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_code(user: User, code: str) -> Device:
    """The device that accepts `code`: six digits go to the authenticator, anything else to
    the backup codes (each works once). Raises ValidationError for a wrong code, or while
    django-otp's throttle holds the device after earlier failures."""
    code = "".join(code.split()).lower()
    model = TOTPDevice if code.isdecimal() and len(code) == TOTP_DIGITS else StaticDevice
    wrong = _("This code is not right. Try the code your app shows now.")
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        problem = wrong if device is None else _check(device, code, wrong)
    if problem is not None:
        raise ValidationError(problem)
    return device


def _check(device: Device, code: str, wrong: str) -> str | None:
    """None when `code` verifies; else why not (a failure counts towards the throttle)."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes: wait %(seconds)s seconds, then try again.") % {
            "seconds": _seconds_left(device)
        }
    return None if device.verify_token(code) else wrong


def _seconds_left(device: Device) -> int:
    if not device.throttling_failure_timestamp:
        return 1
    delay = device.get_throttle_factor() * (2 ** (device.throttling_failure_count - 1))
    waited = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(1, math.ceil(delay - waited))


def required_for_staff() -> bool:
    return settings.STAFF_REQUIRE_TWO_FACTOR
