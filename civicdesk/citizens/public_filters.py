"""The filter form of the public list and map (GET parameters), and reading it."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import IssueType
from civicdesk.citizens.public_queries import Filters, Sort
from civicdesk.citizens.views.labels import STATUS
from civicdesk.places.models import Area

STATUS_CHOICES = [
    ("open", _("Open")),
    ("fixed", _("Resolved or closed")),
    ("all", _("All")),
    *[(code, label) for code, label in STATUS.items()],
]
SORT_CHOICES = [(Sort.NEWEST, _("Newest")), (Sort.PUSHED, _("Most pushed"))]


def natural_key(name: str) -> tuple:
    """ "Ward 9" before "Ward 10"."""
    head, _, tail = name.rpartition(" ")
    return (head, int(tail), "") if tail.isdecimal() else (name, 0, name)


def type_names(choices: list[tuple[Any, Any]]) -> dict[int, str]:
    """Issue type names by id, from `type_choices()`."""
    return {pk: name for _, group in choices[1:] for pk, name in group}


def type_choices() -> list[tuple[Any, Any]]:
    """Active issue types grouped by their group, in one query."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, name, group in IssueType.objects.filter(active=True).values_list("id", "name", "group"):
        groups.setdefault(group or str(_("Other")), []).append((pk, name))
    return [("", _("All categories"))] + [
        (group, sorted(types, key=lambda t: t[1])) for group, types in sorted(groups.items())
    ]


def area_choices() -> list[tuple[Any, Any]]:
    areas = sorted(Area.objects.values_list("id", "name"), key=lambda a: natural_key(a[1]))
    return [("", _("All areas"))] + areas


class FilterForm(forms.Form):
    type = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(
        label=_("Reported from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Reported until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data: QueryDict, *, choices: bool = True) -> None:
        """Without `choices` (for JSON) categories and areas are taken as ids unchecked,
        which saves reading them: an unknown id simply matches nothing."""
        super().__init__(data)
        if choices:
            self.fields["type"].choices = type_choices()
            self.fields["area"].choices = area_choices()
        else:
            self.fields["type"] = forms.IntegerField(required=False, min_value=1)
            self.fields["area"] = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def read_filters(form: FilterForm, **fixed: Any) -> Filters:
    """The filters a form asks for; a field with an error does not filter (the page shows
    the error next to it)."""
    form.is_valid()
    clean = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    values = {
        "issue_type": clean.get("type"),
        "status": clean.get("status") or "open",
        "area": clean.get("area"),
        "date_from": clean.get("date_from"),
        "date_to": clean.get("date_to"),
        "sort": clean.get("sort") or Sort.NEWEST,
    }
    return Filters(**(values | fixed))
