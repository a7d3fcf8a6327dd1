"""The asset register's use cases: assets near a point, an asset by its number for a
report, an asset's public history and the assets with repeat faults."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from civicdesk.assets.kinds import kind_label
from civicdesk.assets.models import Asset
from civicdesk.catalogue.models import IssueType
from civicdesk.issues.models import OPEN_STATUSES, Issue
from civicdesk.issues.reference import reference as reference_data
from civicdesk.places.distance import box_around, distance_metres, squared_distance
from civicdesk.places.models import Jurisdiction

NEAR_LIMIT = 20
# Nearest assets are sought in growing boxes, one bounded query each, until enough are
# found: a street has a light every 30 m, a suburb a hydrant every few hundred.
NEAR_RADII_METRES = (150, 600, 2400)
NEAR_CANDIDATES = 500
HISTORY_PAGE = 20
REPEAT_FAULTS = 3
REPEAT_WINDOW_DAYS = 90


@dataclass(frozen=True)
class NearAsset:
    asset: Asset
    metres: int


def nearest_assets(
    kind: str,
    lat: float,
    lon: float,
    *,
    jurisdiction: Jurisdiction | int | None = None,
    limit: int = NEAR_LIMIT,
) -> list[NearAsset]:
    """Active assets of a kind nearest the point, nearest first, at most `limit`. Each
    query reads a bounding box on the (kind, lat, lon) index, at most NEAR_CANDIDATES
    rows; exact distances are measured in Python. At most len(NEAR_RADII_METRES) queries."""
    found: list[NearAsset] = []
    for radius in NEAR_RADII_METRES:
        candidates = Asset.objects.filter(kind=kind, active=True, **box_around(lat, lon, radius))
        if jurisdiction is not None:
            candidates = candidates.filter(jurisdiction=jurisdiction)
        # Nearest first, so that a crowded box's first rows are the ones that count.
        nearest = candidates.order_by(squared_distance(lat, lon), "reference")
        rows = list(nearest.select_related("jurisdiction")[:NEAR_CANDIDATES])
        found = []
        for asset in rows:
            metres = distance_metres(lat, lon, asset.lat, asset.lon)
            if metres <= radius:
                found.append(NearAsset(asset=asset, metres=round(metres)))
        if len(found) >= limit or len(rows) >= NEAR_CANDIDATES:
            break
    found.sort(key=lambda n: (n.metres, n.asset.reference))
    return found[:limit]


def find_asset(jurisdiction: Jurisdiction | int, reference: str, kind: str = "") -> Asset | None:
    """The asset with this number (as typed, or in capitals) in the jurisdiction, or None."""
    reference = reference.strip()
    if not reference:
        return None
    found = Asset.objects.filter(
        Q(reference=reference) | Q(reference=reference.upper()), jurisdiction=jurisdiction
    )
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("-active", "reference").first()


def asset_for_report(
    jurisdiction: Jurisdiction | int, issue_type: IssueType, reference: str
) -> Asset | None:
    """The in-service asset a report of this type names by number; None for no number.
    An unknown number is a ValidationError on `asset`."""
    if not reference.strip():
        return None
    asset = find_asset(jurisdiction, reference, issue_type.asset_kind or "")
    if asset is None or not asset.active:
        kind = kind_label(issue_type.asset_kind) if issue_type.asset_kind else _("asset")
        raise ValidationError(
            {
                "asset": _("No %(kind)s numbered %(reference)s is known here.")
                % {"kind": kind.lower(), "reference": reference.strip()[:64]}
            }
        )
    return asset


def check_report_asset(
    jurisdiction: Jurisdiction, issue_type: IssueType, asset: Asset | None
) -> list[str]:
    """What is wrong with naming this asset (or none) in a report of this type."""
    if asset is None:
        if issue_type.asset_kind and issue_type.asset_required:
            return [
                _("This kind of issue needs the number of the %(kind)s.")
                % {"kind": kind_label(issue_type.asset_kind).lower()}
            ]
        return []
    if asset.jurisdiction_id != jurisdiction.pk or not issue_type.asset_kind:
        return [_("This kind of issue does not name an asset here.")]
    if asset.kind != issue_type.asset_kind or not asset.active:
        return [
            _("%(reference)s is not an in-service %(kind)s.")
            % {"reference": asset.reference, "kind": kind_label(issue_type.asset_kind).lower()}
        ]
    return []


# The columns an asset's public history shows: nothing about who reported.
HISTORY_FIELDS = ("id", "status", "submitted_at", "resolved_at", "issue_type__name")


def asset_history(asset: Asset, page: str | int | None = 1) -> Page:
    """The asset's issues, most recent first, a page at a time (two queries)."""
    issues = (
        Issue.objects.filter(asset=asset).order_by("-submitted_at", "-id").values(*HISTORY_FIELDS)
    )
    return Paginator(issues, HISTORY_PAGE).get_page(page)


def repeat_faults(
    issues: QuerySet[Issue], since: datetime, minimum: int = REPEAT_FAULTS
) -> list[dict]:
    """Assets with at least `minimum` of these issues reported since `since`, the most
    faults first: one aggregate query (GROUP BY the asset, HAVING the count)."""
    return list(
        issues.filter(asset__isnull=False, submitted_at__gte=since)
        .values(
            "asset_id",
            "asset__reference",
            "asset__kind",
            "asset__lat",
            "asset__lon",
            "asset__jurisdiction__slug",
            "asset__area__name",
        )
        .annotate(
            faults=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            last_fault=Max("submitted_at"),
        )
        .filter(faults__gte=minimum)
        .order_by("-faults", "-last_fault", "asset__reference")
    )


def named_asset(jurisdiction: Jurisdiction, issue_type_code: str, reference: str) -> Asset | None:
    """The asset an outside client (the JSON API, Open311) names by number for a report of
    this type; None for no number or an unknown type (report_issue says so). An unknown
    number is a ValidationError on `asset`."""
    issue_type = reference_data(jurisdiction).issue_types.get(issue_type_code)
    if issue_type is None or not reference.strip():
        return None
    return asset_for_report(jurisdiction, issue_type, reference)
