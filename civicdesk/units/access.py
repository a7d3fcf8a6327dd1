"""Who may see and change which issues. Staff act for the units of the programmes they are
members of; dispatchers for every issue of their jurisdictions; superusers for all.
Views, the JSON API and live streams ask here, so that the scope is the same everywhere."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from civicdesk.accounts.models import User
from civicdesk.issues.models import Issue
from civicdesk.units.models import BusinessUnit, Dispatcher, Membership


@dataclass(frozen=True)
class Scope:
    """What one user acts for, read once per request (two queries)."""

    everything: bool
    unit_ids: frozenset[int]
    managed_unit_ids: frozenset[int]
    dispatch_jurisdiction_ids: frozenset[int]

    @property
    def is_staff_member(self) -> bool:
        return self.everything or bool(self.unit_ids or self.dispatch_jurisdiction_ids)

    def issue_filter(self) -> Q:
        if self.everything:
            return Q()
        return Q(unit_id__in=self.unit_ids) | Q(jurisdiction_id__in=self.dispatch_jurisdiction_ids)

    def covers_issue(self, issue: Issue) -> bool:
        return (
            self.everything
            or issue.unit_id in self.unit_ids
            or issue.jurisdiction_id in self.dispatch_jurisdiction_ids
        )

    def covers_unit(self, unit: BusinessUnit) -> bool:
        return (
            self.everything
            or unit.pk in self.unit_ids
            or unit.jurisdiction_id in self.dispatch_jurisdiction_ids
        )

    def manages_unit(self, unit: BusinessUnit) -> bool:
        return self.everything or unit.pk in self.managed_unit_ids

    def dispatches(self, jurisdiction_id: int) -> bool:
        return self.everything or jurisdiction_id in self.dispatch_jurisdiction_ids


NOBODY = Scope(False, frozenset(), frozenset(), frozenset())


def scope_of(user: User | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    if user.is_superuser:
        return Scope(True, frozenset(), frozenset(), frozenset())
    units: set[int] = set()
    managed: set[int] = set()
    for unit_id, role in Membership.objects.filter(user=user).values_list(
        "programme__unit_id", "role"
    ):
        units.add(unit_id)
        if role == Membership.Role.MANAGER:
            managed.add(unit_id)
    jurisdictions = set(
        Dispatcher.objects.filter(user=user).values_list("jurisdiction_id", flat=True)
    )
    return Scope(False, frozenset(units), frozenset(managed), frozenset(jurisdictions))


def visible_issues(user: User | None, queryset: QuerySet[Issue] | None = None) -> QuerySet[Issue]:
    """The issues `user` may see as staff (none for citizens and anonymous visitors)."""
    scope = scope_of(user)
    queryset = Issue.objects.all() if queryset is None else queryset
    if not scope.is_staff_member:
        return queryset.none()
    return queryset.filter(scope.issue_filter())


def require_issue(user: User | None, issue: Issue) -> None:
    """Raise PermissionDenied unless `user` acts for the issue's unit or jurisdiction."""
    if not scope_of(user).covers_issue(issue):
        raise PermissionDenied("This issue belongs to another unit.")
