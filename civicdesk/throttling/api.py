"""The JSON API's answer to a refused request: {"detail": ...} with a 429 and Retry-After."""

from django.http import HttpRequest, HttpResponse

from civicdesk.api import api
from civicdesk.throttling.limits import RateLimited
from civicdesk.throttling.responses import detail, with_retry_after


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(request, {"detail": detail(exc.refusal)}, status=429)
    return with_retry_after(response, exc.refusal)
