"""Whether a signed-in staff session has passed its second factor. Users with a device
must have given a code in this session (django-otp's `is_verified`); with
STAFF_REQUIRE_TWO_FACTOR, users without one must enrol first. Whether the user has a device
is read once at sign-in and kept in the session, so staff pages cost no extra query."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from civicdesk.twofactor import services

HAS_DEVICE = "twofactor_has_device"
CODE = "code"
ENROL = "enrol"


def remember_devices(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """At each sign-in (user_logged_in), note in the new session whether a code is due."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE] = services.has_device(user)


def note_new_device(request: HttpRequest) -> None:
    request.session[HAS_DEVICE] = True


def missing_step(request: HttpRequest) -> str | None:
    """CODE when the user has a device but gave no code in this session, ENROL when staff
    must have a device and this user has none, else None."""
    user = request.user
    if not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    has_device = request.session.get(HAS_DEVICE)
    if has_device is None:  # a session opened before two-factor sign-in existed
        has_device = request.session[HAS_DEVICE] = services.has_device(user)
    if has_device:
        return CODE
    return ENROL if services.required_for_staff() else None


def refusal(request: HttpRequest) -> HttpResponse | None:
    """For staff pages: the code step or the enrolment page when a step is missing."""
    step = missing_step(request)
    if step == CODE:
        return redirect_to_login(request.get_full_path(), reverse("backoffice:sign-in-code"))
    if step == ENROL:
        return redirect("backoffice:two-factor")
    return None
