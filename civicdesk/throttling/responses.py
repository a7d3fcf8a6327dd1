"""The 429 answers: what was refused and when to try again, in words a person reads."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from civicdesk.throttling.limits import DOWNLOAD, PUSH, REPORT, SIGN_IN, SIGN_IN_LINK, Refusal


def reason(refusal: Refusal) -> str:
    texts = {
        REPORT: _("Too many reports were sent from here in a short time."),
        PUSH: _("Too many pushes were sent from here in a short time."),
        SIGN_IN: _("Too many failed sign-ins."),
        SIGN_IN_LINK: _("Too many sign-in links were asked for."),
        DOWNLOAD: _("Too many downloads were asked for from here in a short time."),
    }
    return texts.get(refusal.action, _("Too many requests."))


def retry_text(refusal: Refusal) -> str:
    minutes = max(1, round(refusal.retry_after / 60))
    at = formats.time_format(timezone.localtime(refusal.retry_at), "H:i")
    return _("Please try again after %(time)s (in about %(minutes)s min).") % {
        "time": at,
        "minutes": minutes,
    }


def detail(refusal: Refusal) -> str:
    """One sentence for machine interfaces (API, Open311)."""
    return f"{reason(refusal)} {retry_text(refusal)}"


def with_retry_after(response: HttpResponse, refusal: Refusal) -> HttpResponse:
    response["Retry-After"] = str(refusal.retry_after)
    return response


def too_many_page(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    response = render(
        request,
        "throttling/too_many.html",
        {"reason": reason(refusal), "retry": retry_text(refusal), "refusal": refusal},
        status=429,
    )
    return with_retry_after(response, refusal)
