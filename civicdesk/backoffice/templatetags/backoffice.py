"""Small display helpers for the back office's templates."""

from datetime import datetime, timedelta

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk import timekeeping

register = template.Library()

SLA_LABELS = {
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "breached": gettext_lazy("Breached"),
    "met": gettext_lazy("Met"),
    "missed": gettext_lazy("Missed"),
}


@register.filter
def sla_label(state: str | None) -> str:
    return str(SLA_LABELS.get(state or "", "—"))


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 60:
        return _("%(n)s min") % {"n": minutes}
    hours = minutes // 60
    if hours < 10 and minutes % 60:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes % 60}
    if hours < 48:
        return _("%(n)s h") % {"n": hours}
    return _("%(n)s d") % {"n": hours // 24}


@register.filter
def due_in(when: datetime | None) -> str:
    """ "in 3 h" or "3 h late" from now."""
    if when is None:
        return "—"
    delta = when - timekeeping.now()
    if delta >= timedelta(0):
        return _("in %(span)s") % {"span": _span(delta)}
    return _("%(span)s late") % {"span": _span(delta)}


@register.filter
def age(when: datetime | None) -> str:
    if when is None:
        return "—"
    return _span(timekeeping.now() - when)


@register.filter
def label(value: str) -> str:
    """A stored code as words: "in_progress" → "in progress"."""
    return (value or "").replace("_", " ")
