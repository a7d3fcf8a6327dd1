"""Importing historic requests through the service: matching, statuses, time zones,
rejects with their lines and reasons, re-runs, areas, and a bounded number of queries."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.alerts.models import Alert
from civicdesk.catalogue.models import IssueType
from civicdesk.imports.mapping import parse_mapping
from civicdesk.imports.models import ImportedRecord
from civicdesk.imports.services import import_requests
from civicdesk.issues.models import Issue
from civicdesk.slawatch.services import sweep
from civicdesk.timeline.models import Event
from civicdesk.units.models import BusinessUnit
from conftest import CARLTON_CENTRE

HEADER = "id,type,opened,state,closed,due,lat,lon,where,dept,text"
MAPPING = {
    "source": "old-crm",
    "time_zone": "America/New_York",
    "date_format": "%m/%d/%Y %I:%M:%S %p",
    "missing": ["", "NA"],
    "columns": {
        "external_id": "id",
        "category": "type",
        "created": "opened",
        "status": "state",
        "closed": "closed",
        "due": "due",
        "latitude": "lat",
        "longitude": "lon",
        "address": "where",
        "agency": "dept",
        "description": "text",
    },
    "statuses": {"Open": "acknowledged", "Closed": "closed", "Dup": "duplicate"},
    "categories": {"Hole in road": "pothole"},
    "agencies": {"Roads dept": "roads"},
}
LAT, LON = CARLTON_CENTRE


def _csv(*rows: str) -> io.StringIO:
    return io.StringIO("\n".join([HEADER, *rows]) + "\n")


def _run(jurisdiction, source, *, mapping=None, **options):
    rejects = io.StringIO()
    result = import_requests(
        source, parse_mapping(mapping or MAPPING), jurisdiction, rejects=rejects, **options
    )
    return result, list(csv.reader(io.StringIO(rejects.getvalue())))[1:]


def _row(n: int, category: str = "Pothole", state: str = "Closed", **kw: str) -> str:
    values = {
        "id": f"R-{n}",
        "type": category,
        "opened": "03/02/2019 10:00:00 AM",
        "state": state,
        "closed": "03/04/2019 09:00:00 AM" if state != "Open" else "NA",
        "due": "03/05/2019 10:00:00 AM",
        "lat": str(LAT),
        "lon": str(LON),
        "where": "1 Main St",
        "dept": "Roads",
        "text": "Deep hole",
    } | kw
    return ",".join(values.values())


@pytest.fixture
def roads_and_pothole(roads, pothole):
    return roads, pothole


def test_mapping_problems_are_all_listed():
    bad = {**MAPPING, "time_zone": "Mars/Olympus", "statuses": {"Open": "ongoing"}}
    bad["columns"] = {"category": "type", "latitude": "lat", "colour": "c"}
    with pytest.raises(ValidationError) as caught:
        parse_mapping(bad)
    text = " ".join(caught.value.messages)
    for expected in (
        "Mars/Olympus",
        "'ongoing': not one of",
        "must name external_id, created, status",
        "both latitude and longitude",
        "unknown fields: colour",
    ):
        assert expected in text


def test_an_imported_issue_carries_what_the_sla_report_needs(
    jurisdiction, wards, roads_and_pothole
):
    roads, pothole = roads_and_pothole
    result, _ = _run(
        jurisdiction,
        _csv(
            _row(1),
            _row(2, closed="03/06/2019 09:00:00 AM"),
            _row(3, state="Open"),
            _row(4, state="Dup"),
        ),
    )
    assert (result.read, result.imported, result.rejected) == (4, 4, 0)
    met, late, open_, duplicate = (
        Issue.objects.get(pk=ImportedRecord.objects.get(external_id=f"R-{n}").issue_id)
        for n in (1, 2, 3, 4)
    )
    # New York is UTC-5 in early March 2019.
    assert met.submitted_at == datetime(2019, 3, 2, 15, tzinfo=UTC)
    assert met.resolution_due == datetime(2019, 3, 5, 15, tzinfo=UTC)
    assert met.resolved_at == met.closed_at == datetime(2019, 3, 4, 14, tzinfo=UTC)
    assert (met.status, met.resolution_met, late.resolution_met) == ("closed", True, False)
    assert met.resolution_working_seconds == (met.resolved_at - met.submitted_at).total_seconds()
    assert met.resolution_measured_for == met.resolved_at
    assert (met.issue_type, met.unit, met.area.name) == (pothole, roads, "Ward 124")
    assert (met.reporter, met.service_level, met.source, met.answers) == (None, None, "import", {})
    assert (met.description, met.address, met.lat) == ("Deep hole", "1 Main St", LAT)
    assert met.updated_at == met.closed_at
    assert (open_.status, open_.closed_at, open_.resolved_at, open_.resolution_met) == (
        "acknowledged",
        None,
        None,
        None,
    )
    assert (duplicate.status, duplicate.resolved_at, duplicate.resolution_met) == (
        "duplicate",
        None,
        None,
    )
    assert duplicate.closed_at is not None
    events = list(Event.objects.filter(issue=met).values_list("kind", "to_value", "created_at"))
    assert events == [
        ("reported", "submitted", met.submitted_at),
        ("status", "closed", met.closed_at),
    ]
    assert list(Event.objects.filter(issue=open_).values_list("kind", flat=True)) == [
        "reported",
        "status",
    ]
    # History mails nobody, now or when the SLA watch sweeps (the open one is overdue).
    sweep()
    assert not Alert.objects.exists()
    assert Issue.objects.get(pk=open_.pk).status == "acknowledged"


def test_rows_with_missing_or_impossible_values_are_rejected_and_the_import_carries_on(
    jurisdiction, roads_and_pothole
):
    source = _csv(
        _row(1, text='"A note\nover two lines"'),  # lines 2-3
        _row(2, opened="NA"),
        _row(3, opened="2019-03-02 10:00"),
        _row(4, opened="02/30/2019 10:00:00 AM"),
        _row(5, closed="03/01/2019 10:00:00 AM"),
        _row(6, state="Parked"),
        _row(7, lon="NA"),
        _row(8, lat="95"),
        _row(9, closed=""),
        _row(10, due="03/01/2019 10:00:00 AM"),
        _row(11, category="Alien landing"),
        _row(12, dept="Space agency"),
        _row(13, opened="03/02/2099 10:00:00 AM"),
        _row(14, id=""),
        "R-15,Pothole",
        _row(16),
    )
    result, rejected = _run(jurisdiction, source)
    assert (result.read, result.imported, result.rejected) == (16, 2, 14)
    reasons = {int(line): reason for line, reason, *_ in rejected}
    assert reasons == {
        4: "no created date",
        5: "opened '2019-03-02 10:00' is not a date in '%m/%d/%Y %I:%M:%S %p'",
        6: "opened '02/30/2019 10:00:00 AM' is not a date in '%m/%d/%Y %I:%M:%S %p'",
        7: "closed before it was created",
        8: "status 'Parked' is not in the mapping's [statuses]",
        9: "a latitude without a longitude, or the other way round",
        10: "(95, 28.047) is not a WGS84 latitude and longitude",
        11: "status 'Closed' without a close date",
        12: "due before it was created",
        13: "category 'Alien landing' matches no issue type",
        14: "agency 'Space agency' matches no business unit",
        15: "created in the future",
        16: "no external id",
        17: "2 values where the header has 11",
    }
    # The rejected row is written as it was, after its line and reason.
    assert rejected[0][2:4] == ["R-2", "Pothole"]
    assert Issue.objects.get(
        pk=ImportedRecord.objects.get(external_id="R-1").issue_id
    ).description == ("A note\nover two lines")


def test_categories_and_agencies_match_by_table_code_or_name(jurisdiction, roads_and_pothole):
    roads, pothole = roads_and_pothole
    result, rejected = _run(
        jurisdiction,
        _csv(
            _row(1, category="POTHOLE", dept="roads"),
            _row(2, category="pothole", dept="ROADS"),
            _row(3, category="Hole in road", dept="Roads dept"),
            _row(4, dept="NA"),
        ),
    )
    assert (result.imported, rejected) == (4, [])
    assert set(Issue.objects.values_list("issue_type", flat=True)) == {pothole.pk}
    assert list(Issue.objects.order_by("id").values_list("unit", flat=True)) == [roads.pk] * 3 + [
        None
    ]


def test_missing_categories_and_agencies_are_created_when_asked(jurisdiction, roads, pothole):
    result, rejected = _run(
        jurisdiction,
        _csv(
            _row(1, category="Street light out", dept="Lights"),
            _row(2, category="Pothole", dept="Lights"),
            _row(3, category="Manhole cover", dept="Roads"),
        ),
        create_missing=True,
    )
    assert (result.imported, rejected) == (3, [])
    assert sorted(result.created_issue_types) == ["Manhole cover", "Street light out"]
    assert result.created_units == ["Lights"]
    light = IssueType.objects.get(jurisdiction=jurisdiction, name="Street light out")
    assert light.code == "street-light-out"
    # A created unit responds to the types seen with it; an existing unit gains only the
    # types the import created.
    lights = BusinessUnit.objects.get(jurisdiction=jurisdiction, name="Lights")
    assert sorted(lights.issue_types.values_list("name", flat=True)) == [
        "Pothole",
        "Street light out",
    ]
    assert sorted(roads.issue_types.values_list("name", flat=True)) == ["Manhole cover", "Pothole"]


def test_running_again_changes_nothing_and_an_id_twice_counts_once(jurisdiction, roads_and_pothole):
    rows = [_row(n) for n in range(1, 6)] + [_row(3)]
    first, _ = _run(jurisdiction, _csv(*rows), chunk_size=2)
    assert (first.imported, first.skipped) == (5, 1)
    counts = (Issue.objects.count(), Event.objects.count(), ImportedRecord.objects.count())
    again, _ = _run(jurisdiction, _csv(*rows), chunk_size=2)
    assert (again.imported, again.skipped) == (0, 6)
    assert (Issue.objects.count(), Event.objects.count(), ImportedRecord.objects.count()) == counts


def test_points_outside_the_jurisdiction_are_dropped(jurisdiction, wards, roads_and_pothole):
    result, _ = _run(
        jurisdiction, _csv(_row(1), _row(2, lat="39", lon="-77"), _row(3, lat="NA", lon="NA"))
    )
    assert (result.imported, result.points_dropped) == (3, 1)
    placed = dict(ImportedRecord.objects.values_list("external_id", "issue__area__name"))
    assert placed == {"R-1": "Ward 124", "R-2": None, "R-3": None}
    assert Issue.objects.filter(lat__isnull=True).count() == 2


def test_queries_do_not_grow_with_rows(jurisdiction, wards, roads_and_pothole):
    def queries(first: int, count: int) -> int:
        rows = [_row(n) for n in range(first, first + count)]
        with CaptureQueriesContext(connection) as captured:
            result, _ = _run(jurisdiction, _csv(*rows))
        assert result.imported == count
        return len(captured)

    queries(1, 1)  # categories and agencies seen once
    assert queries(100, 10) == queries(1000, 500)


def test_the_command_says_what_went_wrong(jurisdiction, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('source = "x"\ntime_zone = "UTC"\n')
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "\n")
    with pytest.raises(CommandError, match="The mapping is not usable"):
        call_command("import_requests", str(data), mapping=str(mapping), jurisdiction="jhb")
    mapping.write_text(
        'source = "x"\ntime_zone = "UTC"\ndate_format = "%Y-%m-%d"\n'
        '[columns]\nexternal_id = "id"\ncategory = "type"\ncreated = "opened"\n'
        'status = "nope"\n[statuses]\nOpen = "submitted"\n'
    )
    with pytest.raises(CommandError, match="No jurisdiction 'atlantis'"):
        call_command("import_requests", str(data), mapping=str(mapping), jurisdiction="atlantis")
    with pytest.raises(CommandError, match="no column 'nope'"):
        call_command(
            "import_requests",
            str(data),
            mapping=str(mapping),
            jurisdiction="jhb",
            rejects=str(tmp_path / "r.csv"),
        )


def test_the_fast_date_reader_agrees_with_strptime():
    from zoneinfo import ZoneInfo

    from civicdesk.imports.dates import date_reader

    zone = ZoneInfo("America/New_York")
    instant = datetime(2019, 11, 3, 0, 0, 7)  # local time, across the end of DST
    for fmt in (
        "%m/%d/%Y %I:%M:%S %p",
        "%Y-%m-%d %H:%M:%S",
        "%d.%m.%y %H:%M",
        "%Y-%m-%dT%H:%M:%S.%f",
    ):
        read = date_reader(fmt, zone)
        for hours in range(0, 48, 5):
            moment = instant + timedelta(hours=hours, microseconds=120)
            text = moment.strftime(fmt)
            assert read(text) == datetime.strptime(text, fmt).replace(tzinfo=zone)
    with pytest.raises(ValueError):
        date_reader("%m/%d/%Y %I:%M:%S %p", zone)("13/01/2019 01:00:00 PM")
    with pytest.raises(ValueError):
        date_reader("%m/%d/%Y %I:%M:%S %p", zone)("01/01/2019 13:00:00 PM")


def test_a_file_that_cannot_be_read_on_keeps_what_came_before(
    jurisdiction, roads_and_pothole, tmp_path
):
    """Bad bytes far into a file (the forked reader's path): the chunks before stay."""
    from civicdesk.imports.services import import_file

    data = tmp_path / "broken.csv"
    rows = "\n".join([HEADER, _row(0, state="Parked"), *(_row(n) for n in range(1, 401))]) + "\n"
    data.write_bytes(rows.encode() + b"R-401,Pothole,\xff\xfe broken\n")
    with pytest.raises(ValidationError, match="The file cannot be read near line"):
        import_file(
            data,
            parse_mapping(MAPPING),
            jurisdiction,
            rejects_path=tmp_path / "rejects.csv",
            chunk_size=50,
        )
    imported = Issue.objects.count()
    assert imported >= 49 and (imported + 1) % 50 == 0
    with open(tmp_path / "rejects.csv", newline="") as handle:
        assert [row[:2] for row in csv.reader(handle)][1:] == [
            ["2", "status 'Parked' is not in the mapping's [statuses]"]
        ]
    # It copies source rows, which may hold reporters' contacts: its owner's eyes only.
    assert (tmp_path / "rejects.csv").stat().st_mode & 0o777 == 0o600
