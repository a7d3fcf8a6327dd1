"""Forms of the reporting flow and the issue page. They check what a person typed and
keep it for redisplay; the services decide what is valid for the domain."""

import re
import secrets
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civicdesk.assets.forms import add_asset_fields, asset_fields, clean_asset
from civicdesk.assets.services import NearAsset
from civicdesk.catalogue.models import Datatype, IssueType, Question
from civicdesk.issues.photos import MAX_PHOTOS, check_photo

PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{9,20}$")


def new_key() -> str:
    return secrets.token_urlsafe(24)


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and not PHONE_PATTERN.match(value):
        raise ValidationError(_("Enter a phone number like 082 555 0101 or +27 82 555 0101."))
    return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS images, each checked to be a real JPEG, PNG or WebP."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data: Any, initial: Any = None) -> list:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Add at most %(count)s photos.") % {"count": MAX_PHOTOS})
        errors = []
        for photo in files:
            try:
                check_photo(photo)
            except ValidationError as exc:
                if exc.code == "too_large":
                    errors.extend(exc.messages)
                    continue
                errors.append(
                    _("%(name)s is not a JPEG, PNG or WebP photo we can read.")
                    % {"name": photo.name}
                )
        if errors:
            raise ValidationError(errors)
        return files


def question_field(question: Question) -> forms.Field:
    """A form field for one of the type's questions, from its datatype."""
    common = {
        "label": question.description,
        "required": question.required,
        "help_text": question.datatype_description,
    }
    choices = [(str(v["key"]), v["name"]) for v in question.values]
    match question.datatype:
        case Datatype.NUMBER:
            return forms.DecimalField(**common, widget=forms.NumberInput(attrs={"step": "any"}))
        case Datatype.DATETIME:
            return forms.DateTimeField(
                **common,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
            )
        case Datatype.TEXT:
            return forms.CharField(
                **common, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
            )
        case Datatype.SINGLEVALUELIST:
            return forms.ChoiceField(**common, choices=choices, widget=forms.RadioSelect)
        case Datatype.MULTIVALUELIST:
            return forms.MultipleChoiceField(
                **common, choices=choices, widget=forms.CheckboxSelectMultiple
            )
        case _:
            return forms.CharField(**common, max_length=300)


class PlaceForm(forms.Form):
    """Where the issue is: a point (map, device or typed), an address, or both."""

    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        required=False,
        max_length=300,
        help_text=_("For example: corner of Main and Bree Street, outside no. 12."),
    )

    def __init__(self, *args: Any, searching: bool = False, **kwargs: Any) -> None:
        """`searching`: the citizen pressed Find, so the address is what to look for."""
        super().__init__(*args, **kwargs)
        self.searching = searching

    def clean(self) -> dict:
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if self.searching:
            if not data.get("address", "").strip():
                self.add_error("address", _("Type an address or a place name to find it."))
            return data
        if "lat" in self.errors or "lon" in self.errors:
            return data
        if (lat is None) != (lon is None):
            missing = "lon" if lon is None else "lat"
            self.add_error(missing, _("Give both the latitude and the longitude."))
        elif lat is None and not data.get("address", "").strip():
            self.add_error(
                "address",
                _("Put the issue on the map, use your location, or describe where it is."),
            )
        return data

    @property
    def point(self) -> tuple[float, float] | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("lat") is None or data.get("lon") is None:
            return None
        return data["lat"], data["lon"]


class ReportForm(PlaceForm):
    """The details of a report of one issue type: its questions, photos, a description
    and, for someone not signed in, how to reach them."""

    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 5 photos. They are made smaller before they are stored."),
    )
    share_photo_location = forms.BooleanField(
        label=_("Share the photos' location"),
        required=False,
        help_text=_(
            "Off: where a photo was taken (its GPS position) is removed before it is published."
            " Other details of the camera are always removed."
        ),
    )
    description = forms.CharField(
        label=_("Describe the issue"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self,
        *args: Any,
        issue_type: IssueType,
        signed_in: bool,
        assets: Sequence[NearAsset] = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.issue_type = issue_type
        self.signed_in = signed_in
        self.notes = []  # informational "questions" that take no answer
        for question in issue_type.questions.all():
            if question.variable:
                self.fields[f"q_{question.code}"] = question_field(question)
            else:
                self.notes.append(question.description)
        if signed_in:
            for name in ("name", "email", "phone"):
                del self.fields[name]
        add_asset_fields(self, assets)  # for a type that asks for an asset (nearest first)

    def question_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("q_")]

    def asset_fields(self) -> list[forms.BoundField]:
        return asset_fields(self)

    def clean(self) -> dict:
        data = super().clean()
        clean_asset(self, data)
        return data

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def answers(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("q_") or value in (None, "", []):
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif not isinstance(value, str | list):
                value = str(value)
            found[name[2:]] = value
        return found

    def apply_service_errors(self, error: ValidationError) -> None:
        """Show the service's errors next to the fields they are about."""
        where = {"location": "lat", "idempotency_key": "key", "asset": "asset_number"}
        for field, messages in error.message_dict.items():
            target = where.get(field, field)
            if target.startswith("answers."):
                target = f"q_{target.removeprefix('answers.')}"
            self.add_error(target if target in self.fields else None, messages)


class ContactForm(forms.Form):
    """How an anonymous citizen pushing an issue or giving feedback can be reached."""

    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not (data.get("email") or data.get("phone")):
            self.add_error("email", _("Give an e-mail address or a mobile number."))
        return data


class FeedbackForm(forms.Form):
    fixed = forms.TypedChoiceField(
        label=_("Is it fixed?"),
        choices=[("yes", _("Yes, it is fixed")), ("no", _("No, it is not fixed"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label=_("How was the service?"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 is very poor, 5 is excellent."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
