"""The real Baltimore 311 sample (10,000 requests, 2014-2019) imported with the project's
mapping: its points fall in the council district the city recorded, and the SLA report
finds the same share of requests closed by their due date as the CSV itself."""

import csv
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from civicdesk.alerts.models import Alert
from civicdesk.catalogue.models import IssueType
from civicdesk.imports.models import ImportedRecord
from civicdesk.imports.tests.baltimore import DATA, MAPPING, load_council_districts
from civicdesk.issues.models import Issue
from civicdesk.places.models import Jurisdiction
from civicdesk.reports.sla import sla_report
from civicdesk.timeline.models import Event
from civicdesk.units.models import BusinessUnit

REQUESTS = DATA / "baltimore_311_sample_2014_2019.csv"
NEW_YORK = ZoneInfo("America/New_York")
FORMAT = "%m/%d/%Y %I:%M:%S %p"
# The source's statuses that the mapping calls closed (a resolution); duplicates are not.
CLOSED = {"Closed", "Closed (Transferred)"}


def _csv_rows() -> list[dict[str, str]]:
    with open(REQUESTS, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _local(value: str) -> datetime:
    return datetime.strptime(value, FORMAT).replace(tzinfo=NEW_YORK)


def _import(tmp_path: Path) -> None:
    call_command(
        "import_requests",
        str(REQUESTS),
        mapping=str(MAPPING),
        rejects=str(tmp_path / "rejects.csv"),
        create_missing=True,
    )


@pytest.fixture
def baltimore(db) -> Jurisdiction:
    load_council_districts()
    return Jurisdiction.objects.get(slug="baltimore")


def test_baltimore_sample_imports_into_council_districts_and_the_sla_report(baltimore, tmp_path):
    _import(tmp_path)
    rows = _csv_rows()
    assert Issue.objects.filter(jurisdiction=baltimore).count() == len(rows) == 10_000
    with open(tmp_path / "rejects.csv", newline="") as handle:
        assert len(list(csv.reader(handle))) == 1  # the header alone
    assert IssueType.objects.filter(jurisdiction=baltimore).count() == 231
    assert BusinessUnit.objects.filter(jurisdiction=baltimore).count() == 16

    # Council districts: the area found for the point against the record's own field.
    recorded = {r["ServiceRequestNum"]: r["CouncilDistrict"] for r in rows}
    placed = ImportedRecord.objects.filter(
        jurisdiction=baltimore, issue__lat__isnull=False
    ).values_list("external_id", "issue__area__code")
    compared = [(code, recorded[ext]) for ext, code in placed if recorded[ext]]
    agree = sum(1 for code, theirs in compared if code == theirs)
    assert len(compared) > 8_000
    assert agree / len(compared) >= 0.99

    # Closed by the due date: of the requests closed (not as duplicates) that have a due
    # date, those whose close instant is at or before it, both read as New York time.
    judged = met = 0
    for row in rows:
        closed = row["CloseDate"] or row["StatusDate"]
        if row["SRStatus"] in CLOSED and row["DueDate"] and closed:
            judged += 1
            met += _local(closed) <= _local(row["DueDate"])
    (report,) = sla_report(
        Issue.objects.filter(jurisdiction=baltimore),
        datetime(2014, 1, 1, tzinfo=NEW_YORK),
        datetime(2019, 3, 1, tzinfo=NEW_YORK),
    )
    assert (report.resolution_judged, report.resolution_met) == (judged, met)
    assert report.resolution_met_percent == pytest.approx(100 * met / judged)
    assert report.reported == 10_000
    assert report.duplicates == 217

    # History has timelines and mails nobody.
    assert Event.objects.filter(issue__jurisdiction=baltimore, kind="reported").count() == 10_000
    assert not Alert.objects.exists()

    # Running it again changes nothing.
    counts = (Issue.objects.count(), Event.objects.count(), IssueType.objects.count())
    _import(tmp_path)
    assert (Issue.objects.count(), Event.objects.count(), IssueType.objects.count()) == counts
