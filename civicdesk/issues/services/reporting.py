"""Citizens reporting and pushing issues."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel, Citizen, User
from civicdesk.alerts.services import new_alerts
from civicdesk.assets.models import Asset
from civicdesk.assets.services import check_report_asset
from civicdesk.catalogue.services import validate_answers
from civicdesk.issues.clock import apply_deadlines
from civicdesk.issues.models import (
    OPEN_STATUSES,
    Issue,
    Photo,
    Push,
    Source,
    Status,
)
from civicdesk.issues.photos import MAX_PHOTOS, prepare_photo
from civicdesk.issues.reference import reference
from civicdesk.issues.services.common import deadline_payload, lock_issue, transition_error
from civicdesk.places.models import Jurisdiction
from civicdesk.rows import insert
from civicdesk.timeline.services import new_event, record

# How far outside its areas' bounding box a point may lie and still belong to a jurisdiction.
JURISDICTION_MARGIN_DEGREES = 0.05


@dataclass(frozen=True)
class Contact:
    """How to reach the person reporting or pushing; all optional (anonymous is allowed)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    user: User | None = None


@cache
def _lookup_sql(field: str) -> str:
    meta = Citizen._meta
    quote = connection.ops.quote_name
    return (
        f"SELECT * FROM {quote(meta.db_table)} WHERE {quote(meta.get_field(field).column)} = %s"
        f" AND {quote(meta.get_field('erased_at').column)} IS NULL ORDER BY {quote(meta.pk.column)}"
        " LIMIT 1"
    )


def _first_citizen(field: str, value: str) -> Citizen | None:
    """The oldest active citizen with this e-mail or phone. A raw query, because on every
    report compiling the ORM's equivalent took longer than running it."""
    return next(iter(Citizen.objects.raw(_lookup_sql(field), [value])), None)


def normalised_contact(email: str, phone: str) -> tuple[str, str]:
    """An e-mail and a phone number as citizens are stored and matched by: the address in
    lower case, the number's digits and "+" only (either may end up empty)."""
    return email.strip().lower(), "".join(ch for ch in phone if ch in "0123456789+")


def citizen_for(contact: Contact | Citizen | None) -> Citizen | None:
    """The citizen row for a contact: the signed-in user's, or one matched by e-mail, then
    phone, so that one person is one recipient however they reach us. A first contact made
    twice at once makes one row: the unique keys on user, e-mail and phone (Citizen.Meta)
    refuse the second write, which then finds the first's row."""
    if contact is None or isinstance(contact, Citizen):
        return contact
    email, phone = normalised_contact(contact.email, contact.phone)
    if not (contact.user or email or phone):
        return None
    try:
        return _find_or_make_citizen(contact, email, phone)
    except IntegrityError:
        # The other request's row is visible now: a new statement sees what it committed.
        return _find_or_make_citizen(contact, email, phone)


def _find_or_make_citizen(contact: Contact, email: str, phone: str) -> Citizen:
    citizen = None
    if contact.user is not None:
        citizen = Citizen.objects.filter(user=contact.user).first()
        email = email or contact.user.email.lower()
    if citizen is None and email:
        citizen = _first_citizen("email", email)
    if citizen is None and phone:
        citizen = _first_citizen("phone", phone)
    if citizen is None:
        channel = AlertChannel.EMAIL if email else AlertChannel.SMS if phone else AlertChannel.NONE
        citizen = Citizen(
            user=contact.user,
            name=contact.name.strip(),
            email=email,
            phone=phone,
            alert_channel=channel,
        )
        with transaction.atomic():  # a savepoint only when writing: a lost race rolls back
            citizen.save(force_insert=True)
        return citizen
    changed = []
    for field, value in (("name", contact.name.strip()), ("email", email), ("phone", phone)):
        if value and not getattr(citizen, field) and _free(citizen, field, value):
            setattr(citizen, field, value)
            changed.append(field)
    if changed:
        with transaction.atomic():
            citizen.save(update_fields=changed)
    return citizen


def _free(citizen: Citizen, field: str, value: str) -> bool:
    """Whether the citizen may take this name, e-mail or phone: an e-mail or phone that
    another citizen without an account holds stays theirs (one row per contact)."""
    if field == "name" or citizen.user_id is not None:
        return True
    others = Citizen.objects.filter(user=None, erased_at=None, **{field: value})
    return not others.exclude(pk=citizen.pk).exists()


def _validate_location(
    jurisdiction: Jurisdiction, bounds: tuple | None, lat: Any, lon: Any
) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"location": "latitude and longitude must be numbers"}) from exc
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"location": "not a valid WGS84 latitude and longitude"})
    m = JURISDICTION_MARGIN_DEGREES
    if bounds is not None:
        min_lat, max_lat, min_lon, max_lon = bounds
        if not (min_lat - m <= lat <= max_lat + m and min_lon - m <= lon <= max_lon + m):
            raise ValidationError({"location": f"the point is outside {jurisdiction.name}"})
    return lat, lon


def report_issue(
    *,
    jurisdiction: Jurisdiction,
    issue_type_code: str,
    lat: Any,
    lon: Any,
    description: str = "",
    address: str = "",
    address_id: str = "",
    media_url: str = "",
    answers: dict[str, Any] | None = None,
    reporter: Contact | Citizen | None = None,
    photos: Sequence[File] = (),
    source: str = Source.WEB,
    submitted_at: datetime | None = None,
    attached: Sequence[Model] = (),
    asset: Asset | None = None,
    share_photo_location: bool = False,
) -> Issue:
    """Validate and save a report, route it, set its deadlines and alert its reporter.

    A point (lat, lon) is required unless an address or address id places the report.
    Validation reads only cached reference data, so it runs before the transaction; the
    writes are one transaction, and inside a caller's transaction they take no savepoint
    of their own (an error rolls the caller back too). `attached` are new rows of the
    caller's that belong to the issue (each has an `issue` key): they are written with it.
    `asset` is the asset the fault is on, for a type that asks for one; a report without a
    point is placed at it. Photos are stored re-encoded without their metadata, keeping
    their GPS position only when the citizen chose `share_photo_location`."""
    errors: dict[str, Any] = {}
    prepared = []
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [f"at most {MAX_PHOTOS} photos"]
    else:
        photo_errors = []
        for photo in photos:
            try:
                prepared.append(prepare_photo(photo, share_location=share_photo_location))
            except ValidationError as exc:
                photo_errors.extend(exc.messages)
        if photo_errors:
            errors["photos"] = photo_errors
    known = reference(jurisdiction)
    issue_type = known.issue_types.get(issue_type_code)
    if issue_type is None:
        errors["issue_type"] = [f"{issue_type_code!r} is not an issue type of {jurisdiction}"]
    else:
        try:
            answers = validate_answers(issue_type, answers)
        except ValidationError as exc:
            errors.update({f"answers.{k}": v for k, v in exc.message_dict.items()})
        if asset_errors := check_report_asset(jurisdiction, issue_type, asset):
            errors["asset"] = asset_errors
    if asset is not None and lat is None and lon is None:
        lat, lon = asset.lat, asset.lon
    # Placed by address alone, it has no point until staff place it on the map.
    by_address = lat is None and lon is None and bool(address.strip() or address_id.strip())
    if not by_address:
        try:
            lat, lon = _validate_location(jurisdiction, known.bounds, lat, lon)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if len(description) > 4000:
        errors["description"] = ["at most 4,000 characters"]
    if len(address) > 300:
        errors["address"] = ["at most 300 characters"]
    if len(address_id) > 100:
        errors["address_id"] = ["at most 100 characters"]
    if isinstance(reporter, Contact) and reporter.email.strip():
        try:
            validate_email(reporter.email.strip())
        except ValidationError as exc:
            errors["email"] = exc.messages
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors["media_url"] = ["not an http(s) URL"]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic(savepoint=False):
        where = known.route(issue_type, lat, lon)
        issue = Issue(
            jurisdiction=jurisdiction,
            issue_type=issue_type,
            answers=answers,
            description=description.strip(),
            address=address.strip(),
            address_id=address_id.strip(),
            media_url=media_url,
            lat=lat,
            lon=lon,
            area=where.area,
            unit=where.unit,
            reporter=citizen_for(reporter),
            asset=asset,
            source=source,
            submitted_at=submitted_at or timekeeping.now(),
        )
        issue.updated_at = issue.submitted_at
        level = known.level(where.unit, issue_type)
        apply_deadlines(issue, level, pauses=[], clock=known.clock(level) if level else None)
        events = [
            new_event(
                issue=issue,
                kind="reported",
                actor_role="citizen",
                to_value=Status.SUBMITTED,
                at=issue.submitted_at,
            ),
            new_event(
                issue=issue,
                kind="routed" if where.unit else "unrouted",
                to_value=where.unit.name if where.unit else "dispatch centre",
                at=issue.submitted_at,
            ),
        ]
        received = deadline_payload(issue)
        alerts = new_alerts(
            [issue.reporter] if issue.reporter else [],
            kind="issue_received",
            payload=received,
            issue=issue,
        )
        for row in attached:
            row.issue = issue
        # One statement on PostgreSQL: the issue and every row pointing to it.
        insert([issue, *events, *alerts, *attached])
        for photo in prepared:
            Photo(issue=issue, uploaded_at=issue.submitted_at).image.save(
                Path(photo.name or "photo").name, photo
            )
        if where.unit is not None and where.unit.is_external:
            from civicdesk.forwarding.services import queue_forwarding  # forwarding uses issues

            queue_forwarding(issue)
    return issue


@transaction.atomic
def push(issue: Issue, supporter: Contact | Citizen) -> tuple[Push | None, bool]:
    """Back an existing issue. Pushing twice, or pushing one's own report, changes nothing."""
    citizen = citizen_for(supporter)
    if citizen is None:
        raise ValidationError({"contact": "a push needs an account, an e-mail or a phone number"})
    issue = lock_issue(issue)
    if issue.status not in OPEN_STATUSES:
        raise transition_error(issue, "pushed")
    if issue.reporter_id == citizen.pk:
        return None, False
    existing = Push.objects.filter(issue=issue, citizen=citizen).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            created = Push.objects.create(
                issue=issue, citizen=citizen, created_at=timekeeping.now()
            )
    except IntegrityError:
        return Push.objects.get(issue=issue, citizen=citizen), False
    now = timekeeping.now()
    Issue.objects.filter(pk=issue.pk).update(push_count=F("push_count") + 1, updated_at=now)
    record(issue=issue, kind="pushed", actor_role="citizen", at=now)
    return created, True


@transaction.atomic
def unpush(issue: Issue, citizen: Citizen) -> bool:
    """Withdraw a citizen's push of an open issue; False when they had not pushed it."""
    issue = lock_issue(issue)
    if issue.status not in OPEN_STATUSES:
        raise transition_error(issue, "unpushed")
    deleted, _ = Push.objects.filter(issue=issue, citizen=citizen).delete()
    if not deleted:
        return False
    now = timekeeping.now()
    Issue.objects.filter(pk=issue.pk).update(push_count=F("push_count") - 1, updated_at=now)
    record(issue=issue, kind="unpushed", actor_role="citizen", at=now)
    return True
