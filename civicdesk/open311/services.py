"""Client applications and their keys, and accepting service requests idempotently."""

import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from civicdesk import timekeeping
from civicdesk.accounts.models import hash_token
from civicdesk.accounts.services import LAST_USED_PRECISION, PREFIX_LENGTH
from civicdesk.assets.forms import ASSET_ATTRIBUTE
from civicdesk.assets.models import Asset
from civicdesk.assets.services import named_asset
from civicdesk.issues.models import Source
from civicdesk.issues.photos import prepare_photos
from civicdesk.issues.reference import reference
from civicdesk.issues.services import Contact, report_issue
from civicdesk.open311.documents import asset_attribute
from civicdesk.open311.models import ClientApplication, Submission
from civicdesk.places.models import Jurisdiction


@transaction.atomic
def register_application(
    name: str, *, contact: str = "", answer_with_token: bool = False
) -> tuple[ClientApplication, str]:
    """Register a client application; return it and its raw api_key, which is not stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "a client application needs a name"})
    if ClientApplication.objects.filter(name=name).exists():
        raise ValidationError({"name": f"a client application named {name!r} exists"})
    application = ClientApplication(
        name=name, contact=contact.strip(), answer_with_token=answer_with_token
    )
    return application, new_api_key(application)


def new_api_key(application: ClientApplication) -> str:
    """Give the application a new api_key (the old one stops working) and save it; return
    the raw key, which cannot be shown again."""
    raw = ClientApplication.new_raw_key()
    application.prefix = raw.removeprefix(ClientApplication.RAW_PREFIX)[:PREFIX_LENGTH]
    application.key_hash = hash_token(raw)
    if application.pk is None:
        application.created_at = timekeeping.now()
    application.save()
    return raw


# Keys by hash, as (read at, application or None). Every POST needs its key checked, and
# keys change rarely: each process keeps what it read for settings.REFERENCE_CACHE_SECONDS.
# Revoking or replacing a key here clears it at once; other processes follow within that
# time (docs/decisions.md).
_keys: dict[str, tuple[float, ClientApplication | None]] = {}


def forget_keys(*args: object, **kwargs: object) -> None:
    _keys.clear()


def authenticate_application(raw: str) -> ClientApplication | None:
    """The application an api_key belongs to, or None if unknown or revoked."""
    if not raw:
        return None
    digest = hash_token(raw)
    found = _keys.get(digest)
    if found is None or time.monotonic() - found[0] > settings.REFERENCE_CACHE_SECONDS:
        application = ClientApplication.objects.filter(key_hash=digest, revoked_at=None).first()
        found = _keys[digest] = (time.monotonic(), application)
    application = found[1]
    if application is None:
        return None
    now = timekeeping.now()
    if application.last_used_at is None or now - application.last_used_at >= LAST_USED_PRECISION:
        application.last_used_at = now
        ClientApplication.objects.filter(pk=application.pk).update(last_used_at=now)
    return application


def revoke_applications(applications: QuerySet[ClientApplication]) -> int:
    revoked = applications.filter(revoked_at=None).update(revoked_at=timekeeping.now())
    forget_keys()
    return revoked


@dataclass(frozen=True)
class RequestInput:
    """The fields of a POST requests, as the spec names them (long → lon)."""

    service_code: str
    lat: float | None = None
    lon: float | None = None
    address_string: str = ""
    address_id: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    device_id: str = ""
    account_id: str = ""
    description: str = ""
    media_url: str = ""

    def fingerprint(self, photos: list[File]) -> str:
        content = asdict(self) | {"photos": [(p.name, p.size) for p in photos]}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _earlier(
    application: ClientApplication, idempotency_key: str, fingerprint: str, device_id: str
) -> Submission | None:
    """The first submission this one repeats: the same Idempotency-Key, or without a key
    the same fields from the same device within the repeat window."""
    if idempotency_key:
        earlier = (
            Submission.objects.select_related("issue")
            .filter(application=application, idempotency_key=idempotency_key)
            .first()
        )
        if earlier is not None and earlier.fingerprint != fingerprint:
            raise ValidationError(
                {"Idempotency-Key": "this key was already used for a different request"}
            )
        return earlier
    if not device_id:
        return None
    since = timekeeping.now() - timedelta(seconds=settings.OPEN311_REPEAT_WINDOW_SECONDS)
    return (
        Submission.objects.select_related("issue")
        .filter(application=application, fingerprint=fingerprint, created_at__gte=since)
        .exclude(device_id="")  # the condition of the index that serves this
        .order_by("-created_at")
        .first()
    )


def _asset(jurisdiction: Jurisdiction, data: RequestInput) -> Asset | None:
    """The asset a request names, for a type that asks for one: by `address_id`, or by the
    `asset_id` attribute if the type defines it. Other types keep address_id as given."""
    issue_type = reference(jurisdiction).issue_types.get(data.service_code)
    if issue_type is None or not issue_type.asset_kind:
        return None
    number = data.address_id or str(data.answers.get(ASSET_ATTRIBUTE) or "")
    try:
        return named_asset(jurisdiction, data.service_code, number)
    except ValidationError as exc:
        field = "address_id" if data.address_id else f"attribute[{ASSET_ATTRIBUTE}]"
        raise ValidationError({field: exc.message_dict["asset"]}) from exc


def _answers(jurisdiction: Jurisdiction, data: RequestInput) -> dict:
    """The answers to the type's own questions: the asset attribute a type without such a
    question advertises (documents.asset_attribute) names the asset, it is no answer."""
    issue_type = reference(jurisdiction).issue_types.get(data.service_code)
    if issue_type is None or not asset_attribute(issue_type):
        return data.answers
    return {code: value for code, value in data.answers.items() if code != ASSET_ATTRIBUTE}


def submit_request(
    *,
    application: ClientApplication,
    jurisdiction: Jurisdiction,
    data: RequestInput,
    photos: list[File] = (),
    idempotency_key: str = "",
    share_photo_location: bool = False,
) -> tuple[Submission, bool]:
    """Accept a service request in one transaction; return its submission and whether it
    is new.

    A repeat (same Idempotency-Key, or without one the same fields from the same device
    within the repeat window) returns the first submission instead of a second issue."""
    if len(idempotency_key) > 200:
        raise ValidationError({"Idempotency-Key": "at most 200 characters"})
    if len(data.device_id) > 200 or len(data.account_id) > 200:
        raise ValidationError({"device_id": "device_id and account_id: at most 200 characters"})
    fingerprint = data.fingerprint(list(photos))
    earlier = _earlier(application, idempotency_key, fingerprint, data.device_id)
    if earlier is not None:
        return earlier, False
    asset = _asset(jurisdiction, data)
    if asset is None and data.lat is None and not (data.address_string or data.address_id):
        raise ValidationError(
            {"lat": "a location is required: lat and long, address_string or address_id"}
        )
    prepared = prepare_photos(list(photos), share_location=share_photo_location)
    name = f"{data.first_name.strip()} {data.last_name.strip()}".strip()
    submission = Submission(
        application=application,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        device_id=data.device_id,
        account_id=data.account_id,
        token=secrets.token_hex(16),
        created_at=timekeeping.now(),
    )
    try:
        with transaction.atomic():
            report_issue(
                jurisdiction=jurisdiction,
                issue_type_code=data.service_code,
                lat=data.lat,
                lon=data.lon,
                address=data.address_string,
                address_id=data.address_id,
                media_url=data.media_url,
                description=data.description,
                answers=_answers(jurisdiction, data),
                reporter=Contact(name=name, email=data.email, phone=data.phone),
                photos=prepared,
                source=Source.OPEN311,
                attached=[submission],
                asset=asset,
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race on the unique constraint:
        # this one is rolled back and answers with the winner's submission.
        if not idempotency_key:
            raise
        return Submission.objects.select_related("issue").get(
            application=application, idempotency_key=idempotency_key
        ), False
    return submission, True
