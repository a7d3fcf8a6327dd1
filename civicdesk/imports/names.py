"""Matching a source's categories and agencies to issue types and business units: by the
mapping's explicit table, then by code/slug, then by name (case-insensitive); created on
demand when asked. Queries grow with the number of distinct names, never with rows."""

from collections.abc import Iterable

from django.utils.text import slugify

from civicdesk.catalogue.models import IssueType
from civicdesk.imports.mapping import Mapping
from civicdesk.places.models import Jurisdiction
from civicdesk.units.models import BusinessUnit

CODE_MAX = IssueType._meta.get_field("code").max_length
NAME_MAX = IssueType._meta.get_field("name").max_length


def _free_slug(name: str, taken: set[str], fallback: str) -> str:
    base = (slugify(name) or fallback)[: CODE_MAX - 6]
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


class Names:
    """The issue type and unit ids of a source's values, remembered across chunks."""

    def __init__(self, jurisdiction: Jurisdiction, mapping: Mapping, create: bool) -> None:
        self.jurisdiction = jurisdiction
        self.mapping = mapping
        self.create = create
        self.types: dict[str, int | None] = {}
        self.units: dict[str, int | None] = {}
        self.created_types: list[str] = []
        self.created_units: list[str] = []
        self._new_ids: set[tuple[str, int]] = set()
        self._linked: set[tuple[int, int]] = set()
        self._type_keys: dict[str, int] = {}
        for pk, code, name in IssueType.objects.filter(jurisdiction=jurisdiction).values_list(
            "id", "code", "name"
        ):
            self._type_keys.setdefault(name.casefold(), pk)
            self._type_keys[code] = pk
        self._unit_keys: dict[str, int] = {}
        for pk, slug, name in BusinessUnit.objects.filter(jurisdiction=jurisdiction).values_list(
            "id", "slug", "name"
        ):
            self._unit_keys.setdefault(name.casefold(), pk)
            self._unit_keys[slug] = pk

    def _type(self, value: str) -> int | None:
        target = self.mapping.categories.get(value, value)
        return self._type_keys.get(target) or self._type_keys.get(target.casefold())

    def _unit(self, value: str) -> int | None:
        target = self.mapping.agencies.get(value, value)
        return self._unit_keys.get(target) or self._unit_keys.get(target.casefold())

    def unknown(self, category: str, agency: str) -> str:
        """Why a record cannot be imported for its names ("" when it can). Reads only what
        was loaded, so the CSV reader may call it away from the database."""
        if self.create:
            return ""
        if category not in self.types and self._type(category) is None:
            return f"category {category!r} matches no issue type"
        if agency and agency not in self.units and self._unit(agency) is None:
            return f"agency {agency!r} matches no business unit"
        return ""

    def learn(self, categories: Iterable[str], agencies: Iterable[str]) -> None:
        """Resolve (or create) the values not seen before."""
        for value in set(categories) - self.types.keys():
            found = self._type(value)
            if found is None and self.create:
                found = self._new_type(self.mapping.categories.get(value, value))
            self.types[value] = found
        for value in set(agencies) - self.units.keys() - {""}:
            found = self._unit(value)
            if found is None and self.create:
                found = self._new_unit(self.mapping.agencies.get(value, value))
            self.units[value] = found

    def _new_type(self, name: str) -> int:
        taken = set(
            IssueType.objects.filter(jurisdiction=self.jurisdiction).values_list("code", flat=True)
        )
        issue_type = IssueType.objects.create(
            jurisdiction=self.jurisdiction,
            code=_free_slug(name, taken, "type"),
            name=name[:NAME_MAX],
        )
        self._type_keys[name.casefold()] = issue_type.pk
        self.created_types.append(issue_type.name)
        self._new_ids.add(("type", issue_type.pk))
        return issue_type.pk

    def _new_unit(self, name: str) -> int:
        taken = set(
            BusinessUnit.objects.filter(jurisdiction=self.jurisdiction).values_list(
                "slug", flat=True
            )
        )
        unit = BusinessUnit.objects.create(
            jurisdiction=self.jurisdiction,
            name=name[:NAME_MAX],
            slug=_free_slug(name, taken, "unit"),
        )
        self._unit_keys[name.casefold()] = unit.pk
        self.created_units.append(unit.name)
        self._new_ids.add(("unit", unit.pk))
        return unit.pk

    def link_created(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Let units respond to the issue types seen with them, where the import created
        the unit or the type (existing units' coverage stays as the city set it)."""
        new = {
            (unit, issue_type)
            for unit, issue_type in pairs
            if ("unit", unit) in self._new_ids or ("type", issue_type) in self._new_ids
        } - self._linked
        if new:
            through = BusinessUnit.issue_types.through
            through.objects.bulk_create(
                [through(businessunit_id=u, issuetype_id=t) for u, t in new],
                ignore_conflicts=True,
            )
            self._linked |= new
