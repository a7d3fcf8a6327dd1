"""Citizens' accounts: signing up, one-time sign-in links, alert choices, erasure."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from civicdesk.accounts.models import AlertChannel, Citizen, User
from civicdesk.citizens.services.personal_data import erase_citizen

SIGN_IN_SALT = "civicdesk.citizens.sign-in-link"
SIGN_IN_LINK_MAX_AGE = 15 * 60


def normal_email(email: str) -> str:
    return email.strip().lower()


def citizen_of(user: User) -> Citizen | None:
    if not user.is_authenticated:
        return None
    return Citizen.objects.filter(user=user).first()


def ensure_citizen(user: User, *, claim: bool = False) -> Citizen:
    """The user's citizen row, made if missing. With `claim` (the e-mail is proven, by a
    sign-in link) an unclaimed row with that e-mail becomes theirs, with its reports and
    pushes made before signing up."""
    citizen = Citizen.objects.filter(user=user).first()
    if citizen is not None:
        return citizen
    email = normal_email(user.email)
    if claim and email:
        unclaimed = (
            Citizen.objects.filter(email=email, user=None, erased_at=None).order_by("id").first()
        )
        if unclaimed is not None:
            unclaimed.user = user
            unclaimed.save(update_fields=["user"])
            return unclaimed
    try:
        with transaction.atomic():
            return Citizen.objects.create(
                user=user,
                name=user.get_full_name(),
                email=email,
                alert_channel=AlertChannel.EMAIL if email else AlertChannel.NONE,
            )
    except IntegrityError:
        # The same user's other request, at the same moment, made the row (one per user).
        return Citizen.objects.get(user=user)


@transaction.atomic
def sign_up(*, email: str, password: str, name: str = "") -> User:
    """A citizen's account with an e-mail and a password. The e-mail is not proven yet,
    so earlier anonymous reports with it are claimed only by a sign-in link."""
    email = normal_email(email)
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    else:
        if User.objects.filter(username=email).exists():
            errors["email"] = [_("An account with this e-mail exists: sign in instead.")]
    candidate = User(username=email, email=email, first_name=name.strip()[:150])
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(
        username=email, email=email, password=password, first_name=name.strip()[:150]
    )
    ensure_citizen(user)
    return user


def _link_state(user: User | None) -> str:
    # A link stops working once it is used: signing in moves last_login on.
    if user is None or user.last_login is None:
        return ""
    return user.last_login.isoformat()


def sign_in_token(email: str) -> str:
    email = normal_email(email)
    user = User.objects.filter(username=email, is_active=True).first()
    return signing.dumps({"e": email, "s": _link_state(user)}, salt=SIGN_IN_SALT)


def send_sign_in_link(email: str) -> None:
    """Mail a one-time sign-in link (valid SIGN_IN_LINK_MAX_AGE seconds). For an e-mail
    without an account the link makes one: signing in and signing up are the same step."""
    email = normal_email(email)
    validate_email(email)
    url = settings.SITE_URL.rstrip("/") + reverse(
        "citizens:sign-in-link", args=[sign_in_token(email)]
    )
    context = {"url": url, "minutes": SIGN_IN_LINK_MAX_AGE // 60}
    send_mail(
        _("Your Civic Desk sign-in link"),
        render_to_string("citizens/account/sign_in_link_email.txt", context),
        None,
        [email],
    )


@dataclass(frozen=True)
class LinkOutcome:
    user: User
    created: bool


@transaction.atomic
def use_sign_in_link(token: str) -> LinkOutcome:
    """The user a sign-in link is for (made now if new). Raises ValidationError when the
    link is forged, expired or used. The caller signs the user in (moving last_login)."""
    try:
        data = signing.loads(token, salt=SIGN_IN_SALT, max_age=SIGN_IN_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This sign-in link has expired."), code="expired") from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This sign-in link is not valid."), code="invalid") from exc
    email = data["e"]
    user = User.objects.select_for_update().filter(username=email).first()
    if user is not None and (not user.is_active or _link_state(user) != data["s"]):
        raise ValidationError(_("This sign-in link was already used."), code="used")
    created = user is None
    if created:
        user = User.objects.create_user(username=email, email=email)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    ensure_citizen(user, claim=True)
    return LinkOutcome(user=user, created=created)


def set_alert_channel(citizen: Citizen, channel: str, phone: str = "") -> Citizen:
    """How the citizen hears about every issue they follow: e-mail, SMS or not at all."""
    phone = "".join(ch for ch in phone if ch in "0123456789+")
    if channel not in AlertChannel.values:
        raise ValidationError({"alert_channel": _("Choose e-mail, SMS or no alerts.")})
    if channel == AlertChannel.SMS and not (phone or citizen.phone):
        raise ValidationError({"phone": _("Give a mobile number for SMS alerts.")})
    if channel == AlertChannel.EMAIL and not citizen.email:
        raise ValidationError({"alert_channel": _("Your account has no e-mail address.")})
    fields = ["alert_channel"]
    citizen.alert_channel = channel
    if phone:
        citizen.phone = phone
        fields.append("phone")
    citizen.save(update_fields=fields)
    return citizen


@transaction.atomic
def delete_account(user: User) -> None:
    """Erase a citizen's account: their issues and pushes stay (without a name), every
    personal field goes (citizens.services.personal_data), and the user itself."""
    if user.is_staff or user.is_superuser:
        raise ValidationError(_("Staff accounts are closed by an administrator."))
    citizen = Citizen.objects.filter(user=user).first()
    if citizen is not None:
        erase_citizen(citizen)
    User.objects.filter(pk=user.pk).delete()
