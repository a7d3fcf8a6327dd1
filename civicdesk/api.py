"""The JSON API at /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

One NinjaAPI object holds every operation, so that citizen and staff operations can share
a path (POST /issues reports, GET /issues lists for staff). Each app registers its
operations on `api` from its own `api.py`, imported by its AppConfig.ready().

Authentication: `Authorization: Bearer <token>` (tokens from `create_api_token`) or the
browser session (with its CSRF token). Errors are JSON: {"detail": ...}, and for invalid
input {"detail": ..., "errors": {field: [messages]}}."""

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import ValidationError as MalformedInput
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from pydantic import AfterValidator, Field

from civicdesk.accounts.models import User
from civicdesk.accounts.services import authenticate_token
from civicdesk.twofactor import gate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The signed-in browser session, with Django's CSRF check when the session cookie is
    sent; a request without it has no session to forge, and gets the 401 of no credentials
    rather than a CSRF failure."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        # A session of a user with two-factor sign-in counts once the code was given.
        if gate.missing_step(request) == gate.CODE:
            return None
        return super().authenticate(request, key)


bearer = BearerToken()
# Token or signed-in browser session; session requests need Django's CSRF token.
token_or_session = [bearer, BrowserSession()]

# Text no database stores: PostgreSQL refuses NUL characters (a 500), and a lone surrogate
# (JSON can escape one) is no UTF-8.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _holds_unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_holds_unstorable(k) or _holds_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_unstorable(item) for item in value)
    return False


class StorableText(Parser):
    """django-ninja's parser, refusing text that holds a NUL character or a lone surrogate:
    a body is a 400 ("Cannot parse request body"), a query or form field a 422."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if _holds_unstorable(data):
            raise ValueError("text with a NUL character or a lone surrogate")
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        where = "query" if data is request.GET else "form"
        for name, value in parsed.items():
            if _holds_unstorable(name) or _holds_unstorable(value):
                message = "Text must not contain NUL characters"
                error = {"type": "string_unstorable", "loc": [where, name], "msg": message}
                raise MalformedInput([error])
        return parsed


def _in_utc(value: datetime) -> datetime:
    """An instant as UTC (a naive one is in the site's time zone). Python allows offsets
    up to ±23:59, PostgreSQL up to ±15:59 (a 500); near year 1 or 9999 the conversion
    leaves the calendar."""
    try:
        aware = timezone.make_aware(value) if timezone.is_naive(value) else value
        return aware.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("the instant is out of range") from None


# A date-time field of the API: what every database can store.
Instant = Annotated[datetime, AfterValidator(_in_utc)]
# An id given in a query or body: a positive 64-bit integer (SQLite cannot compare with a
# larger one: a 500).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

MALFORMED = {
    "type": "object",
    "description": "Input that does not fit the operation's parameters or body",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                    "msg": {"type": "string"},
                },
                "required": ["type", "loc", "msg"],
            },
        }
    },
    "required": ["detail"],
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class CivicDeskAPI(NinjaAPI):
    """django-ninja leaves out of the OpenAPI document the answers it gives before an
    operation runs: 401 without valid credentials, 403 for a session request without its
    CSRF token, 400 for a body that is no JSON, 422 for malformed parameters or bodies.
    They are added here, unless the operation documents them itself."""

    def get_openapi_schema(self, **kwargs) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {})["Malformed"] = MALFORMED
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                _document_framework_answers(method, operation)
        return schema


def _document_framework_answers(method: str, operation: dict) -> None:
    responses = operation["responses"]
    documented = {str(code) for code in responses}
    answers = {}
    if operation.get("security"):
        answers[401] = _json("No valid credentials", DETAIL)
        if method in UNSAFE_METHODS:
            answers[403] = _json("Not allowed, or a session request without CSRF token", DETAIL)
    if operation.get("requestBody"):
        answers[400] = _json("A body that cannot be read", DETAIL)
    if operation.get("parameters") or operation.get("requestBody"):
        answers[422] = _json("Malformed input", {"$ref": "#/components/schemas/Malformed"})
    for code, answer in answers.items():
        if str(code) not in documented:
            responses[code] = answer


api = CivicDeskAPI(
    parser=StorableText(),
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
