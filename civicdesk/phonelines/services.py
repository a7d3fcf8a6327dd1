"""The two callbacks of the gateway as use cases, each in one transaction: a USSD step
answered with the next screen, and an inbound text message answered through the outbox.
A gateway that repeats a callback gets the first answer, and nothing is done twice."""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from civicdesk import timekeeping
from civicdesk.alerts.services import queue_sms_reply
from civicdesk.phonelines import actions, sms, texts, ussd
from civicdesk.phonelines.models import InboundSms, PhoneLine, UssdExchange, UssdSession

PHONE = re.compile(r"^\+?[0-9]{6,15}$")
SERVICE_CODE = re.compile(r"^[*#0-9]{1,32}$")
TEXT_MAX = 2000


class BadCallback(ValueError):
    """A callback that does not follow the gateway's protocol."""


def _field(form: dict, name: str, *, required: bool = True, limit: int = 100) -> str:
    value = form.get(name)
    if value is None:
        if required:
            raise BadCallback(f"{name} is missing")
        return ""
    if len(value) > limit:
        raise BadCallback(f"{name} is longer than {limit} characters")
    return value


def _phone(form: dict, name: str) -> str:
    phone = _field(form, name).strip().replace(" ", "")
    if not PHONE.match(phone):
        raise BadCallback(f"{name} is not a phone number")
    return phone


@dataclass(frozen=True)
class UssdCall:
    """What Africa's Talking posts for each USSD step."""

    session_id: str
    service_code: str
    phone: str
    network_code: str
    text: str

    @classmethod
    def from_form(cls, form: dict) -> "UssdCall":
        session_id = _field(form, "sessionId").strip()
        service_code = _field(form, "serviceCode", limit=32).strip()
        if not session_id:
            raise BadCallback("sessionId is empty")
        if not SERVICE_CODE.match(service_code):
            raise BadCallback("serviceCode is not a USSD code")
        return cls(
            session_id=session_id,
            service_code=service_code,
            phone=_phone(form, "phoneNumber"),
            network_code=_field(form, "networkCode", required=False, limit=16),
            text=_field(form, "text", limit=TEXT_MAX),
        )


@dataclass(frozen=True)
class SmsMessage:
    """What Africa's Talking posts for an incoming message."""

    message_id: str
    phone: str
    to: str
    text: str
    date: str
    link_id: str

    @classmethod
    def from_form(cls, form: dict) -> "SmsMessage":
        message_id = _field(form, "id").strip()
        if not message_id:
            raise BadCallback("id is empty")
        to = _field(form, "to", limit=32).strip()
        if not to:
            raise BadCallback("to is empty")
        return cls(
            message_id=message_id,
            phone=_phone(form, "from"),
            to=to,
            text=_field(form, "text", limit=TEXT_MAX),
            date=_field(form, "date", required=False, limit=40),
            link_id=_field(form, "linkId", required=False),
        )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def answer_ussd(call: UssdCall) -> str:
    """The answer to one USSD callback: "CON <screen>" to go on, "END <text>" to finish."""
    try:
        return _answer_ussd(call)
    except IntegrityError:
        # The same first callback twice at once: the other one made the session.
        return _answer_ussd(call)


@transaction.atomic
def _answer_ussd(call: UssdCall) -> str:
    now = timekeeping.now()
    line = (
        PhoneLine.objects.select_related("jurisdiction")
        .filter(channel=PhoneLine.Channel.USSD, code=call.service_code, active=True)
        .first()
    )
    if line is None:
        return f"END {texts.UNAVAILABLE}"
    # The number first, then its sessions: callbacks from one number queue in that order.
    citizen = actions.phone_citizen(call.phone)
    session = (
        UssdSession.objects.select_for_update()
        .select_related("citizen")
        .filter(session_id=call.session_id)
        .first()
    )
    if session is not None:
        if session.citizen.phone != call.phone:
            raise BadCallback("sessionId belongs to another phone")
        done = UssdExchange.objects.filter(session=session, text_hash=_digest(call.text)).first()
        if done is not None:
            return done.answer
        if session.finished_at is not None:
            return session.exchanges.order_by("-created_at", "-id").first().answer
        citizen = session.citizen
    ctx = ussd.Context(citizen=citizen, jurisdiction=line.jurisdiction)
    if session is None:
        recent = UssdSession.objects.filter(
            citizen=citizen, started_at__gte=now - timedelta(hours=1)
        ).count()
        if recent >= settings.PHONELINES_USSD_SESSIONS_PER_HOUR:
            with translation.override(citizen.language):
                return f"END {texts.TOO_MANY}"
        session = UssdSession(
            session_id=call.session_id,
            citizen=citizen,
            line=line,
            network_code=call.network_code,
            state=ussd.start(ctx, _resume(ctx, line, now)),
            started_at=now,
        )
    inputs = _new_inputs(session.last_text, call.text, first=session.pk is None)
    state, error, answer = session.state, "", ""
    for value in inputs:
        with translation.override(citizen.language):
            move = ussd.advance(state, value, ctx)
        if move.end:
            answer, session.finished_at = f"END {move.end}", now
            session.issue = move.issue or session.issue
            break
        state, error = move.state, move.error
    if not answer:
        with translation.override(citizen.language):
            answer = f"CON {ussd.screen(state, ctx, error)}"
    session.state, session.last_text, session.updated_at = state, call.text, now
    session.save()
    UssdExchange.objects.create(
        session=session, text_hash=_digest(call.text), answer=answer, created_at=now
    )
    return answer


def _new_inputs(last_text: str, text: str, *, first: bool) -> list[str]:
    """The answers typed since the last callback. The first callback of a session may
    carry several (a code dialled with answers, like *120*311*1#); later ones add one, kept
    whole even if it holds a "*"."""
    if first:
        return text.split("*") if text else []
    if not last_text:
        return [text]
    if text.startswith(last_text + "*"):
        return [text[len(last_text) + 1 :]]
    return [text.rsplit("*", 1)[-1]]


def _resume(ctx: ussd.Context, line: PhoneLine, now) -> dict | None:
    """The state of the citizen's session that stopped mid-way within the last minutes
    (settings.PHONELINES_RESUME_MINUTES), taken over by the new session."""
    since = now - timedelta(minutes=settings.PHONELINES_RESUME_MINUTES)
    earlier = (
        UssdSession.objects.select_for_update()
        .filter(citizen=ctx.citizen, line=line, finished_at=None, updated_at__gte=since)
        .order_by("-updated_at")
        .first()
    )
    if earlier is None:
        return None
    UssdSession.objects.filter(citizen=ctx.citizen, line=line, finished_at=None).update(
        finished_at=now
    )
    return earlier.state if ussd.resumable(earlier.state) else None


def receive_sms(message: SmsMessage) -> InboundSms:
    """Act on a text message once (by the gateway's message id) and queue the reply."""
    try:
        return _receive_sms(message)
    except IntegrityError:
        found = InboundSms.objects.filter(message_id=message.message_id).first()
        if found is None:
            raise
        return found


@transaction.atomic
def _receive_sms(message: SmsMessage) -> InboundSms:
    found = InboundSms.objects.filter(message_id=message.message_id).first()
    if found is not None:
        return found
    now = timekeeping.now()
    citizen = actions.phone_citizen(message.phone)
    line = (
        PhoneLine.objects.select_related("jurisdiction")
        .filter(channel=PhoneLine.Channel.SMS, code=message.to, active=True)
        .first()
    )
    recent = InboundSms.objects.filter(
        citizen=citizen, received_at__gte=now - timedelta(hours=1)
    ).count()
    row = InboundSms.objects.create(
        message_id=message.message_id,
        citizen=citizen,
        line=line,
        to=message.to,
        text=message.text,
        link_id=message.link_id,
        sent_at=message.date,
        received_at=now,
        outcome=InboundSms.Outcome.RATE_LIMITED,
    )
    if recent >= settings.PHONELINES_SMS_PER_HOUR:
        return row
    with translation.override(citizen.language):
        answer = sms.command(message.text, citizen, line)
    row.outcome, row.reply, row.issue = answer.outcome, answer.reply, answer.issue
    row.save(update_fields=["outcome", "reply", "issue"])
    queue_sms_reply(citizen, answer.reply)
    return row
