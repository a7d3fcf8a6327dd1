"""The gateway's callbacks. Africa's Talking does not sign its callbacks: each URL carries
a secret token (settings.PHONELINES_CALLBACK_TOKEN), and PHONELINES_ALLOWED_IPS can limit
the callers to the gateway's addresses. A malformed callback is a 400 and changes nothing."""

import hmac
import ipaddress
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from civicdesk.phonelines.services import (
    BadCallback,
    SmsMessage,
    UssdCall,
    answer_ussd,
    receive_sms,
)

logger = logging.getLogger(__name__)
TEXT = "text/plain; charset=utf-8"


def _check_caller(request: HttpRequest, token: str) -> HttpResponse | None:
    """404 for a wrong token (the URL does not exist for a guesser), 403 for an address
    outside the allow-list."""
    expected = settings.PHONELINES_CALLBACK_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404("no such callback")
    allowed = settings.PHONELINES_ALLOWED_IPS
    if allowed:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            address = None
        if address is None or not any(
            address in ipaddress.ip_network(net, strict=False) for net in allowed
        ):
            logger.warning("phone callback refused from %s", request.META.get("REMOTE_ADDR"))
            return HttpResponse("forbidden", status=403, content_type=TEXT)
    return None


def _bad(exc: BadCallback) -> HttpResponse:
    return HttpResponse(f"bad callback: {exc}", status=400, content_type=TEXT)


@csrf_exempt
@sensitive_post_parameters("phoneNumber", "text")
@require_POST
def ussd(request: HttpRequest, token: str) -> HttpResponse:
    """Africa's Talking's USSD callback: answers "CON …" or "END …" as text/plain."""
    refused = _check_caller(request, token)
    if refused:
        return refused
    try:
        answer = answer_ussd(UssdCall.from_form(request.POST))
    except BadCallback as exc:
        return _bad(exc)
    return HttpResponse(answer, content_type=TEXT)


@csrf_exempt
@sensitive_post_parameters("from", "text")
@require_POST
def sms(request: HttpRequest, token: str) -> HttpResponse:
    """Africa's Talking's incoming-message callback; the reply goes out by the outbox."""
    refused = _check_caller(request, token)
    if refused:
        return refused
    try:
        receive_sms(SmsMessage.from_form(request.POST))
    except BadCallback as exc:
        return _bad(exc)
    return HttpResponse("OK", content_type=TEXT)
