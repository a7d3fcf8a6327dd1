"""The JSON API at /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

One NinjaAPI object holds every operation, so that citizen and staff operations can share
a path (POST /issues reports, GET /issues lists for staff). Each app registers its
operations on `api` from its own `api.py`, imported by its AppConfig.ready().

Authentication: `Authorization: Bearer <token>` (tokens from `create_api_token`) or the
browser session (with its CSRF token). Errors are JSON: {"detail": ...}, and for invalid
input {"detail": ..., "errors": {field: [messages]}}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from civicdesk.accounts.models import User
from civicdesk.accounts.services import authenticate_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


bearer = BearerToken()
# Token or signed-in browser session; session requests need Django's CSRF token.
token_or_session = [bearer, django_auth]

api = NinjaAPI(
    title="Civic Desk API",
    version="1",
    description="Report and follow issues (citizens); run the response (staff).",
    urls_namespace="api",
)


def validation_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = validation_errors(exc)
    detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)
