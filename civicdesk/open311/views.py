"""The GeoReport v2 calls. Each answers in the format its suffix names, errors included."""

import functools
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    SuspiciousOperation,
    ValidationError,
)
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from civicdesk.assets.forms import ASSET_ATTRIBUTE
from civicdesk.catalogue.models import IssueType
from civicdesk.forwarding.services import receive_update
from civicdesk.issues.reference import jurisdictions
from civicdesk.open311 import params, queries, updates
from civicdesk.open311.documents import service_definition, service_item, service_notice
from civicdesk.open311.models import ClientApplication, Submission
from civicdesk.open311.render import FORMATS, Open311Error, error_response, respond
from civicdesk.open311.services import RequestInput, authenticate_application, submit_request
from civicdesk.places.models import Jurisdiction
from civicdesk.throttling import limits
from civicdesk.throttling.responses import detail, with_retry_after

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def validation_error(exc: ValidationError) -> Open311Error:
    if hasattr(exc, "error_dict"):
        lines = [
            f"{name}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        lines = list(exc.messages)
    return Open311Error(400, *lines)


def refuse_nul_characters(request: HttpRequest) -> None:
    """No text holds a NUL character, and PostgreSQL refuses to store one (a 500)."""
    for data in (request.GET, request.POST):
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise Open311Error(400, f"{name[:40]!r} must not contain NUL characters")


def open311_call(*methods: str) -> Callable:
    """Answer errors in the Open311 format of the call's suffix, unknown suffixes with a
    404 in XML (the spec's required format), and other methods with a 405."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def call(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            try:
                if fmt not in FORMATS:
                    raise Open311Error(404, f"unknown format {fmt[:20]!r}: use .xml or .json")
                if request.method not in methods:
                    error = Open311Error(405, f"{request.method} is not allowed here")
                    response = error_response(fmt, error)
                    response["Allow"] = ", ".join(methods)
                    return response
                refuse_nul_characters(request)
                return view(request, fmt, **kwargs)
            except Open311Error as error:
                return error_response(fmt, error)
            except ValidationError as exc:
                return error_response(fmt, validation_error(exc))
            except (BadRequest, MultiPartParserError, SuspiciousOperation) as exc:
                # A body Django cannot read (a broken multipart, too many fields): its own
                # answer is an HTML page.
                error = Open311Error(400, f"the request body cannot be read: {exc}"[:200])
                return error_response(fmt, error)
            except limits.RateLimited as exc:
                error = Open311Error(429, detail(exc.refusal))
                return with_retry_after(error_response(fmt, error), exc.refusal)

        return call

    return decorate


def jurisdiction_of(request: HttpRequest) -> Jurisdiction:
    data = request.POST if request.method == "POST" else request.GET
    slug = params.value(data, "jurisdiction_id")
    known = jurisdictions()
    if slug:
        if slug not in known:
            raise Open311Error(404, f"jurisdiction_id {slug[:60]!r} is not served here")
        return known[slug]
    if len(known) == 1:
        return next(iter(known.values()))
    if not known:
        raise Open311Error(404, "no jurisdiction is served here yet")
    raise Open311Error(400, "jurisdiction_id is required: this endpoint serves several")


@open311_call("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = f"{settings.SITE_URL.rstrip('/')}/open311/v2/"
    document = {
        "changeset": settings.OPEN311_CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": settings.OPEN311_CHANGESET,
                "type": "production",
                # The spec's MIME types, without the charset our answers declare.
                "formats": [content_type.split(";")[0] for content_type in FORMATS.values()],
            }
        ],
    }
    return respond(fmt, "discovery", document)


@open311_call("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction = jurisdiction_of(request)
    issue_types = IssueType.objects.filter(jurisdiction=jurisdiction, active=True).order_by(
        "group", "name"
    )
    with_questions = set(
        issue_types.filter(questions__isnull=False).values_list("id", flat=True).distinct()
    )
    items = [service_item(t, t.pk in with_questions) for t in issue_types]
    return respond(fmt, "services", items)


@open311_call("GET")
def service(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    jurisdiction = jurisdiction_of(request)
    issue_type = (
        IssueType.objects.filter(jurisdiction=jurisdiction, code=code, active=True)
        .prefetch_related("questions")
        .first()
    )
    if issue_type is None:
        raise Open311Error(404, f"service_code {code[:60]!r} is not a service of {jurisdiction}")
    return respond(fmt, "service_definition", service_definition(issue_type))


@open311_call("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction = jurisdiction_of(request)
    if request.method == "POST":
        return create_request(request, fmt, jurisdiction)
    return respond(fmt, "service_requests", queries.find_requests(jurisdiction, request.GET))


def client_of(request: HttpRequest) -> ClientApplication:
    application = authenticate_application(params.value(request.POST, "api_key"))
    if application is None:
        raise Open311Error(403, "a valid api_key is required to post")
    return application


def request_input(data) -> RequestInput:
    lat = params.number(data, "lat", -90, 90)
    lon = params.number(data, "long", -180, 180)
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat and long go together")
    address, address_id = params.value(data, "address_string"), params.value(data, "address_id")
    # A type that asks for an asset is placed at the asset its attribute names.
    asset = params.value(data, f"attribute[{ASSET_ATTRIBUTE}]")
    if lat is None and not (address or address_id or asset):
        raise Open311Error(
            400, "a location is required: lat and long, address_string or address_id"
        )
    code = params.value(data, "service_code")
    if not code:
        raise Open311Error(400, "service_code is required")
    answers = {}
    for key in data:
        match = ATTRIBUTE.match(key)
        if match:
            answers[match[1]] = data.getlist(key) if match[2] else data.get(key)
    return RequestInput(
        service_code=code,
        lat=lat,
        lon=lon,
        address_string=address,
        address_id=address_id,
        answers=answers,
        email=params.value(data, "email"),
        phone=params.value(data, "phone"),
        first_name=params.value(data, "first_name"),
        last_name=params.value(data, "last_name"),
        device_id=params.value(data, "device_id"),
        account_id=params.value(data, "account_id"),
        description=data.get("description", "").strip(),
        media_url=params.value(data, "media_url"),
    )


def create_request(request: HttpRequest, fmt: str, jurisdiction: Jurisdiction) -> HttpResponse:
    application = client_of(request)
    data = request_input(request.POST)
    # Counted per address, per citizen (the contact given) and per client application.
    keys = limits.client_keys(
        request,
        account=limits.contact_account(data.email, data.phone),
        key=f"open311:{application.pk}",
    )
    limits.check(request, limits.REPORT, keys)
    submission, created = submit_request(
        application=application,
        jurisdiction=jurisdiction,
        data=data,
        photos=request.FILES.getlist("media"),
        idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
        # An extension: the citizen chose to publish where the photo was taken.
        share_photo_location=params.value(request.POST, "share_photo_location").lower()
        in ("true", "1", "yes"),
    )
    if created:
        limits.count(request, limits.REPORT, keys)
    issue = submission.issue
    notice = service_notice(
        issue.response_due, issue.resolution_due, ZoneInfo(jurisdiction.time_zone)
    )
    answer = {"service_notice": notice, "account_id": submission.account_id}
    if application.answer_with_token:
        answer = {"token": submission.token} | answer
    else:
        answer = {"service_request_id": str(issue.pk)} | answer
    return respond(fmt, "service_requests", [answer])


@open311_call("GET")
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    jurisdiction = jurisdiction_of(request)
    found = queries.find_request(jurisdiction, request_id)
    if found is None:
        raise Open311Error(404, f"service_request_id {request_id[:40]!r} was not found")
    return respond(fmt, "service_requests", [found])


@open311_call("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    jurisdiction = jurisdiction_of(request)
    submission = Submission.objects.filter(token=token, issue__jurisdiction=jurisdiction).first()
    if submission is None:
        raise Open311Error(404, f"token {token[:40]!r} was not found")
    answer = {"service_request_id": str(submission.issue_id), "token": submission.token}
    return respond(fmt, "service_requests", [answer])


@open311_call("GET", "POST")
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return receive_request_update(request, fmt)
    jurisdiction = jurisdiction_of(request)
    found = updates.find_updates(jurisdiction, request.GET)
    return respond(fmt, "service_request_updates", found)


def receive_request_update(request: HttpRequest, fmt: str) -> HttpResponse:
    """An outside provider pushing the progress of a request we forwarded to it."""
    application = client_of(request)
    try:
        update_id = receive_update(application=application, params=request.POST)
    except PermissionDenied as exc:
        raise Open311Error(403, str(exc) or "this api_key may not post updates") from exc
    except ObjectDoesNotExist as exc:
        service_request_id = params.value(request.POST, "service_request_id")[:40]
        raise Open311Error(
            404, f"no request forwarded to you has service_request_id {service_request_id!r}"
        ) from exc
    return respond(fmt, "service_request_updates", [{"update_id": update_id}])


@csrf_exempt
def not_found(request: HttpRequest, path: str) -> HttpResponse:
    fmt = path.rsplit(".", 1)[-1] if "." in path else "xml"
    return error_response(fmt, Open311Error(404, f"no Open311 call at {path[:80]!r}"))
