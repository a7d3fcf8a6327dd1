"""Report rows as flat records: CSV columns (durations in working hours) and JSON objects
(durations in working seconds)."""

import csv
from collections.abc import Sequence
from io import StringIO
from typing import Any

from django.utils.translation import gettext as _

from civicdesk.reports.sla import Dimension, ReportRow

CSV_COLUMNS = [
    "reported",
    "acknowledged",
    "resolved",
    "rejected",
    "duplicates",
    "response_judged",
    "responded_within_target",
    "responded_within_target_percent",
    "resolution_judged",
    "resolved_within_target",
    "resolved_within_target_percent",
    "median_response_working_hours",
    "p90_response_working_hours",
    "median_resolution_working_hours",
    "p90_resolution_working_hours",
    "open",
    "overdue",
    "pushes",
    "feedback",
    "mean_rating",
    "fixed_percent",
]


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def figures(row: ReportRow) -> dict[str, Any]:
    """The figures of a row, durations in working seconds."""
    return {
        "reported": row.reported,
        "acknowledged": row.acknowledged,
        "resolved": row.resolved,
        "rejected": row.rejected,
        "duplicates": row.duplicates,
        "response_judged": row.response_judged,
        "responded_within_target": row.response_met,
        "responded_within_target_percent": _rounded(row.response_met_percent),
        "resolution_judged": row.resolution_judged,
        "resolved_within_target": row.resolution_met,
        "resolved_within_target_percent": _rounded(row.resolution_met_percent),
        "response_working_seconds": {
            "measured": row.response_time.measured,
            "median": _rounded(row.response_time.median, 0),
            "p90": _rounded(row.response_time.p90, 0),
        },
        "resolution_working_seconds": {
            "measured": row.resolution_time.measured,
            "median": _rounded(row.resolution_time.median, 0),
            "p90": _rounded(row.resolution_time.p90, 0),
        },
        "open": row.open,
        "overdue": row.overdue,
        "pushes": row.pushes,
        "feedback": row.feedback,
        "mean_rating": _rounded(row.mean_rating),
        "fixed_percent": _rounded(row.fixed_percent),
        "awaiting_measurement": row.unmeasured,
    }


def json_record(row: ReportRow, dimensions: Sequence[Dimension]) -> dict[str, Any]:
    groups = {
        d.value: {"id": _key(k), "name": label}
        for d, k, label in zip(dimensions, row.keys, row.labels, strict=True)
    }
    return {"group": groups} | figures(row)


def _key(key: Any) -> Any:
    return key.isoformat()[:7] if hasattr(key, "isoformat") else key


def _cell(text: str) -> str:
    """Names as text in spreadsheets, never formulas."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_text(
    rows: Sequence[ReportRow], total: ReportRow | None, dimensions: Sequence[Dimension]
) -> str:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([d.value for d in dimensions] + CSV_COLUMNS)
    for row, labels in [(r, list(r.labels)) for r in rows] + (
        [(total, [_("All")] * len(dimensions))] if total else []
    ):
        data = figures(row)
        data |= {
            "median_response_working_hours": _hours(row.response_time.median),
            "p90_response_working_hours": _hours(row.response_time.p90),
            "median_resolution_working_hours": _hours(row.resolution_time.median),
            "p90_resolution_working_hours": _hours(row.resolution_time.p90),
        }
        writer.writerow(
            [_cell(t) for t in labels] + ["" if data[c] is None else data[c] for c in CSV_COLUMNS]
        )
    return out.getvalue()
