"""Figures of a report as people read them: working hours, percentages, ratings."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()
NOTHING = "—"


@register.filter
def working_hours(seconds: float | None) -> str:
    """Working seconds as hours with one decimal ("14.5 h")."""
    if seconds is None:
        return NOTHING
    return _("%(hours)s h") % {"hours": number_format(round(seconds / 3600, 1), 1)}


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return NOTHING
    return f"{number_format(round(value, 1), 1)}%"


@register.filter
def rating(value: float | None) -> str:
    return NOTHING if value is None else number_format(round(value, 1), 1)
