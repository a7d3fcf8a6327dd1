"""The service charter as a page, a PDF and a CSV, drawn from the live configuration."""

import csv
import io
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from civicdesk.citizens.charter import closed_days_text, read_charter

# How long browsers and caches may keep the charter; it changes a few times a year.
MAX_AGE = 300


def _cached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@require_GET
def charter_page(request: HttpRequest) -> HttpResponse:
    context = {"charter": read_charter(), "today": timezone.localdate()}
    return _cached(render(request, "citizens/charter/charter.html", context))


def _spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@require_GET
def charter_csv(request: HttpRequest) -> HttpResponse:
    """One row per unit and issue type it handles."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "jurisdiction",
            "unit",
            "outside_provider",
            "issue_type_code",
            "issue_type",
            "group",
            "response_target_minutes",
            "resolution_target_minutes",
            "response_target",
            "resolution_target",
            "calendar",
            "clock_runs",
            "time_zone",
            "closed_days",
        ]
    )
    for entry in read_charter():
        for row in entry.rows:
            calendar = row.calendar
            values = [
                entry.unit.jurisdiction.name,
                entry.unit.name,
                "yes" if entry.unit.is_external else "no",
                row.issue_type.code,
                row.issue_type.name,
                row.issue_type.group,
                row.response_minutes if row.response_minutes is not None else "",
                row.resolution_minutes if row.resolution_minutes is not None else "",
                row.response,
                row.resolution,
                calendar.name if calendar else "",
                calendar.summary if calendar else "",
                calendar.time_zone if calendar else "",
                ";".join(day.isoformat() for day, _name in calendar.closed_days)
                if calendar
                else "",
            ]
            writer.writerow([_spreadsheet_safe(v) for v in values])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="service-charter.csv"'
    return _cached(response)


def _pdf(charter: list) -> bytes:
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
    head = cell.clone("head", fontName="Helvetica-Bold")
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("Service charter"),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    today = date_format(timezone.localdate(), "j F Y")
    story = [
        Paragraph(escape(_("Service charter")), styles["Title"]),
        Paragraph(
            escape(
                _(
                    "What each business unit promises for each kind of issue: when it will "
                    "respond and when it will resolve, on the calendar its clock runs. "
                    "As configured on %(date)s."
                )
                % {"date": today}
            ),
            styles["BodyText"],
        ),
    ]
    for entry in charter:
        story += [
            Spacer(1, 4 * mm),
            Paragraph(
                escape(f"{entry.unit.name} · {entry.unit.jurisdiction.name}"), styles["Heading2"]
            ),
        ]
        rows = [
            [
                Paragraph(escape(_("Issue type")), head),
                Paragraph(escape(_("Responds within")), head),
                Paragraph(escape(_("Resolves within")), head),
                Paragraph(escape(_("Calendar")), head),
            ]
        ]
        for row in entry.rows:
            no_target = _("No published target")
            rows.append(
                [
                    Paragraph(escape(row.issue_type.name), cell),
                    Paragraph(escape(row.response or no_target), cell),
                    Paragraph(escape(row.resolution or no_target), cell),
                    Paragraph(escape(row.calendar.name if row.calendar else ""), cell),
                ]
            )
        table = Table(rows, colWidths=[55 * mm, 40 * mm, 40 * mm, 45 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d1d9")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
        for calendar in entry.calendars:
            text = f"{calendar.name}: {calendar.summary} ({calendar.time_zone})."
            if calendar.closed_days:
                text += " " + _("Also closed: %(days)s.") % {"days": closed_days_text(calendar)}
            story.append(Paragraph(escape(text), cell))
    if not charter:
        story.append(Paragraph(escape(_("No business units are configured yet.")), cell))
    doc.build(story)
    return buffer.getvalue()


@require_GET
def charter_pdf(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_pdf(read_charter()), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="service-charter.pdf"'
    return _cached(response)
