"""The asset part of the citizen's report form, for an issue type that asks for an asset:
a choice of the nearest assets of its kind and, as the fallback that needs no map nor
script, the number typed (a street light's pole number)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from civicdesk.assets.kinds import kind_label, number_label
from civicdesk.assets.services import NearAsset, asset_for_report

# An Open311 attribute (question) with this code, if a type defines one, names the asset.
ASSET_ATTRIBUTE = "asset_id"
CHOICE, NUMBER = "asset", "asset_number"


def add_asset_fields(form: forms.Form, near: Sequence[NearAsset]) -> None:
    """Add the asset fields to a report form whose issue type asks for an asset."""
    kind = form.issue_type.asset_kind
    if not kind:
        return
    form.fields.pop(f"q_{ASSET_ATTRIBUTE}", None)  # the fields below answer it
    # Where the choices stand, for the map that lets the citizen tap one.
    form.asset_points = [
        {"reference": n.asset.reference, "lat": n.asset.lat, "lon": n.asset.lon} for n in near
    ]
    if near:
        form.fields[CHOICE] = forms.ChoiceField(
            label=_("The nearest %(kind)s") % {"kind": kind_label(kind).lower()},
            required=False,
            choices=[
                *(
                    (
                        n.asset.reference,
                        _("%(reference)s, %(metres)s m away")
                        % {"reference": n.asset.reference, "metres": n.metres},
                    )
                    for n in near
                ),
                ("", _("Not in this list: I type its number")),
            ],
            widget=forms.RadioSelect,
        )
    form.fields[NUMBER] = forms.CharField(
        label=number_label(kind),
        required=False,
        max_length=64,
        help_text=_("The number painted on the %(kind)s, if you can read it.")
        % {"kind": kind_label(kind).lower()},
    )


def asset_fields(form: forms.Form) -> list[forms.BoundField]:
    return [form[name] for name in (CHOICE, NUMBER) if name in form.fields]


def clean_asset(form: forms.Form, data: dict[str, Any]) -> None:
    """Put the asset chosen or typed in `data["asset"]` (None if neither), or add an error
    next to the field when the number is unknown or the type needs one."""
    issue_type = form.issue_type
    if not issue_type.asset_kind:
        return
    chosen, typed = data.get(CHOICE) or "", (data.get(NUMBER) or "").strip()
    field = CHOICE if chosen else NUMBER
    try:
        asset = asset_for_report(issue_type.jurisdiction_id, issue_type, chosen or typed)
    except ValidationError as exc:
        form.add_error(field, exc.message_dict["asset"])
        return
    if asset is None and issue_type.asset_required:
        form.add_error(
            NUMBER,
            _("Choose the %(kind)s or type its number.")
            % {"kind": kind_label(issue_type.asset_kind).lower()},
        )
        return
    data[CHOICE] = asset
    if asset is not None and any(q.code == ASSET_ATTRIBUTE for q in issue_type.questions.all()):
        data[f"q_{ASSET_ATTRIBUTE}"] = asset.reference
