"""The one-click unsubscribe link of alert e-mails (RFC 8058)."""

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from civicdesk.alerts.delivery import read_unsubscribe_token
from civicdesk.alerts.preferences import unsubscribe as unsubscribe_citizen


# Mail clients POST "List-Unsubscribe=One-Click" without a session or CSRF token; the
# signed token is the authorisation.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        citizen_id = read_unsubscribe_token(token)
    except signing.BadSignature as exc:
        raise Http404("Unknown unsubscribe link") from exc
    if request.method == "GET":
        # A GET must not unsubscribe: link scanners follow every link in a mail.
        return render(request, "alerts/unsubscribe.html", {"done": False})
    if not unsubscribe_citizen(citizen_id):
        raise Http404("Unknown unsubscribe link")
    return render(request, "alerts/unsubscribe.html", {"done": True})
