"""A unit's escalation rules, kept by its managers: who is told when the unit's issues
stay past a deadline, after how long, and how often again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civicdesk.accounts.models import User
from civicdesk.backoffice.forms import EscalationRuleForm
from civicdesk.backoffice.services import remove_escalation_rule, save_escalation_rule
from civicdesk.backoffice.views.common import apply_errors, staff_view, unit_in_scope
from civicdesk.slawatch.models import EscalationRule
from civicdesk.units.models import BusinessUnit


def _managed_unit(request: HttpRequest, unit_id: int) -> BusinessUnit:
    unit = unit_in_scope(request, unit_id)
    if not request.scope.manages_unit(unit):
        raise PermissionDenied("Only the unit's managers change its escalation rules.")
    return unit


def _members(unit: BusinessUnit) -> QuerySet[User]:
    return User.objects.filter(memberships__programme__unit=unit).distinct().order_by("username")


def _save(request: HttpRequest, form: EscalationRuleForm) -> bool:
    if not form.is_valid():
        return False
    try:
        save_escalation_rule(form.instance)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    return True


@staff_view
def rule_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _managed_unit(request, unit_id)
    form = EscalationRuleForm(
        request.POST or None, instance=EscalationRule(unit=unit), members=_members(unit)
    )
    if request.method == "POST" and _save(request, form):
        messages.success(request, _("Escalation rule added."))
        return redirect("backoffice:rules", unit.pk)
    return render(
        request,
        "backoffice/rules.html",
        {
            "unit": unit,
            "rules": list(unit.escalation_rules.select_related("user")),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_view
def rule_edit(request: HttpRequest, unit_id: int, rule_id: int) -> HttpResponse:
    unit = _managed_unit(request, unit_id)
    rule = get_object_or_404(EscalationRule, pk=rule_id, unit=unit)
    if request.method == "POST" and request.POST.get("action") == "delete":
        remove_escalation_rule(rule)
        messages.success(request, _("Escalation rule removed."))
        return redirect("backoffice:rules", unit.pk)
    form = EscalationRuleForm(request.POST or None, instance=rule, members=_members(unit))
    if request.method == "POST" and _save(request, form):
        messages.success(request, _("Escalation rule saved."))
        return redirect("backoffice:rules", unit.pk)
    return render(
        request,
        "backoffice/rule_form.html",
        {"unit": unit, "rule": rule, "form": form},
        status=400 if request.method == "POST" else 200,
    )
