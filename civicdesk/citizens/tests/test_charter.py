"""The service charter as a page, a PDF and a CSV, from the live configuration."""

import csv
import io
from datetime import date, time, timedelta

import pytest
from pypdf import PdfReader

from civicdesk.catalogue.models import IssueType
from civicdesk.citizens.charter import DASH, human_duration
from civicdesk.units.models import BusinessUnit, Calendar, ClosedDay, ServiceLevel, WorkingHours


@pytest.fixture
def configured(electricity, roads, office_calendar, jurisdiction):
    """The two units of the fixtures, a closed day, Saturday morning hours, and a unit
    that handles a type without a published target."""
    WorkingHours.objects.create(calendar=office_calendar, weekday=5, opens=time(8), closes=time(12))
    ClosedDay.objects.create(
        calendar=office_calendar, date=date(2026, 12, 28), name="Municipal shutdown"
    )
    ClosedDay.objects.create(calendar=office_calendar, date=date(2020, 1, 2), name="Long past")
    water = BusinessUnit.objects.create(
        jurisdiction=jurisdiction, name="Water & Sanitation", slug="water"
    )
    water.issue_types.add(
        IssueType.objects.create(jurisdiction=jurisdiction, code="burst-pipe", name="Burst pipe")
    )
    return [electricity, roads, water]


def test_durations_read_as_people_say_them():
    assert human_duration(timedelta(hours=4), working=False) == "4 hours"
    assert human_duration(timedelta(hours=30, minutes=30), working=False) == (
        "1 day 6 hours 30 minutes"
    )
    assert human_duration(timedelta(days=2), working=False) == "2 days"
    assert human_duration(timedelta(hours=40), working=True) == "40 hours of working time"
    assert human_duration(timedelta(minutes=1), working=True) == "1 minute of working time"


def test_the_page_lists_every_unit_its_types_targets_and_calendar(client, configured):
    response = client.get("/charter/")
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("Electricity", "Roads", "Water &amp; Sanitation", "Burst pipe", "Pothole"):
        assert name in text
    assert "4 hours" in text and "1 day" in text  # the 24/7 power-outage targets
    assert "8 hours of working time" in text and "40 hours of working time" in text
    assert f"Mon{DASH}Fri 08:00{DASH}16:30; Sat 08:00{DASH}12:00" in text
    assert "public holidays in South Africa" in text
    assert "28 December 2026 (Municipal shutdown)" in text
    assert "Long past" not in text
    assert "No published target" in text
    assert "Around the clock" in text


def test_the_csv_has_one_row_per_unit_and_issue_type(client, configured):
    response = client.get("/charter.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["unit"], r["issue_type_code"]) for r in rows] == [
        ("Electricity", "power-outage"),
        ("Roads", "pothole"),
        ("Water & Sanitation", "burst-pipe"),
    ]
    roads = rows[1]
    assert roads["response_target_minutes"] == "480"
    assert roads["resolution_target"] == "40 hours of working time"
    assert roads["clock_runs"].startswith(f"Mon{DASH}Fri 08:00{DASH}16:30")
    assert roads["closed_days"] == "2026-12-28"
    assert rows[2]["response_target"] == ""


def test_a_formula_in_a_name_is_not_run_by_a_spreadsheet(client, configured):
    BusinessUnit.objects.filter(slug="water").update(name="=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(client.get("/charter.csv").content.decode())))
    assert "'=HYPERLINK(1)" in [row[1] for row in rows]


def test_the_pdf_is_a_real_pdf_with_every_unit(client, configured):
    response = client.get("/charter.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for name in ("Service charter", "Electricity", "Roads", "Water & Sanitation", "Pothole"):
        assert name in text
    assert "40 hours of working time" in text
    assert "Municipal shutdown" in text


def test_the_charter_makes_the_same_few_queries_however_many_units(
    client, configured, jurisdiction, always_calendar, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        client.get("/charter/")
    for n in range(15):
        unit = BusinessUnit.objects.create(
            jurisdiction=jurisdiction, name=f"Depot {n}", slug=f"depot-{n}"
        )
        kind = IssueType.objects.create(jurisdiction=jurisdiction, code=f"t{n}", name=f"Type {n}")
        unit.issue_types.add(kind)
        ServiceLevel.objects.create(
            unit=unit,
            issue_type=kind,
            response_target=timedelta(hours=1),
            resolution_target=timedelta(hours=2),
            calendar=always_calendar if n % 2 else Calendar.objects.get(name="Office hours"),
        )
    for url in ("/charter/", "/charter.csv", "/charter.pdf"):
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200
