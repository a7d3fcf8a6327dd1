"""The report's question: a period and a grouping, the same for the page, the CSV export
and the JSON API (query parameters `from`, `to`, `group_by`)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk import timekeeping
from civicdesk.reports.sla import MAX_DIMENSIONS, Dimension

MAX_PERIOD = timedelta(days=5 * 366)
GROUPINGS = [(d.value, d.label) for d in Dimension]


@dataclass(frozen=True)
class ReportQuery:
    first_day: date
    last_day: date
    group_by: tuple[Dimension, ...]

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """The end of the last day (exclusive)."""
        return _midnight(self.last_day + timedelta(days=1))

    def as_params(self) -> dict[str, str]:
        return {
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
            "group_by": ",".join(self.group_by),
        }


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()), timezone.get_default_timezone())


def default_period() -> tuple[date, date]:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = timezone.localdate(timekeeping.now())
    month = today.year * 12 + today.month - 1 - 11
    return date(month // 12, month % 12 + 1, 1), today


class ReportForm(forms.Form):
    """`group_by` takes one or two groupings, comma-separated (e.g. "unit,month"); the page
    sends them as `group_by` and `then_by`."""

    group_by = forms.CharField(label=_("Group by"), required=False)
    then_by = forms.ChoiceField(
        label=_("Then by"), required=False, choices=[("", _("(nothing)")), *GROUPINGS]
    )

    def __init__(self, data=None, **kwargs) -> None:
        first, last = default_period()
        if data is not None:
            data = data.copy()
            for name, value in (("from", first), ("to", last), ("group_by", "unit")):
                if not data.get(name):
                    data[name] = str(value)
        super().__init__(data, **kwargs)
        self.fields = {
            "from": forms.DateField(
                label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
            ),
            "to": forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"})),
            **self.fields,
        }
        self.fields["group_by"].widget = forms.Select(choices=GROUPINGS)

    def clean_group_by(self) -> tuple[Dimension, ...]:
        names = [n.strip() for n in self.cleaned_data["group_by"].split(",") if n.strip()]
        known = {d.value for d in Dimension}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValidationError(
                _("Unknown grouping %(names)s; choose from %(known)s."),
                params={"names": ", ".join(unknown), "known": ", ".join(sorted(known))},
            )
        return tuple(Dimension(n) for n in names)

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("from"), data.get("to")
        if first and last:
            if last < first:
                self.add_error("to", _("The period ends before it starts."))
            elif last - first > MAX_PERIOD:
                self.add_error("to", _("A report covers at most five years."))
        group_by = data.get("group_by") or ()
        if data.get("then_by"):
            group_by = (*group_by, Dimension(data["then_by"]))
        if len(set(group_by)) != len(group_by):
            self.add_error("then_by", _("Choose two different groupings."))
        elif len(group_by) > MAX_DIMENSIONS:
            self.add_error("group_by", _("Group by at most two things at once."))
        data["groupings"] = group_by
        return data

    def query(self) -> ReportQuery:
        """The question asked; call after is_valid()."""
        data = self.cleaned_data
        return ReportQuery(data["from"], data["to"], tuple(data["groupings"]))
