"""manage.py import_areas on real boundary files, and on bad files that must import nothing."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civicdesk.places.models import Area, Jurisdiction
from civicdesk.places.services import areas_containing

REPO = Path(__file__).resolve().parents[3]
JHB_WARDS = REPO / "civicdesk" / "demo" / "data" / "jhb_wards_2020.geojson"
SHARED = REPO.parent / "shared" / "data"
SA_WARDS = SHARED / "south_africa" / "sa_metro_wards_2020.geojson"
BALTIMORE_DISTRICTS = SHARED / "baltimore" / "baltimore_council_districts_2012.geojson"

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[28.0, -26.3], [28.1, -26.3], [28.1, -26.2], [28.0, -26.2], [28.0, -26.3]]],
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_areas", *args, stdout=out)
    return out.getvalue().strip()


def import_jhb(*extra: str) -> str:
    return run(
        str(JHB_WARDS),
        "--jurisdiction=jhb",
        "--name-property=ward_no",
        "--code-property=ward_code",
        "--name-format=Ward {}",
        *extra,
    )


def write(tmp_path: Path, content: object, name: str = "areas.geojson") -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def feature(name: object = "North", geometry: dict | None = None) -> dict:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry or SQUARE}


def test_it_imports_the_135_johannesburg_wards_and_routes_a_point(jurisdiction):
    output = import_jhb()

    assert output == "Imported 135 areas into City of Johannesburg (135 created, 0 updated)"
    assert Area.objects.filter(jurisdiction=jurisdiction, kind="ward").count() == 135
    hits = areas_containing(jurisdiction.pk, -26.2056, 28.0470)
    assert [a.name for a in hits] == ["Ward 124"]
    assert hits[0].code == "79800124"


def test_reimporting_updates_the_wards_instead_of_duplicating_them(jurisdiction):
    import_jhb()
    first_ids = set(Area.objects.values_list("id", flat=True))

    output = import_jhb()

    assert output == "Imported 135 areas into City of Johannesburg (0 created, 135 updated)"
    assert set(Area.objects.values_list("id", flat=True)) == first_ids


def test_it_creates_the_jurisdiction_when_asked(db):
    output = import_jhb(
        "--create-jurisdiction=City of Johannesburg", "--time-zone=Africa/Johannesburg"
    )

    jurisdiction = Jurisdiction.objects.get(slug="jhb")
    assert jurisdiction.name == "City of Johannesburg"
    assert jurisdiction.time_zone == "Africa/Johannesburg"
    assert output.endswith("(135 created, 0 updated)")


@pytest.mark.skipif(not SA_WARDS.exists(), reason="shared data is not beside the clone")
def test_it_imports_one_metro_of_the_national_file(db):
    output = run(
        str(SA_WARDS),
        "--jurisdiction=cpt",
        "--create-jurisdiction=City of Cape Town",
        "--name-property=ward_no",
        "--code-property=ward_code",
        "--name-format=Ward {}",
        "--where",
        "metro_code=CPT",
    )

    cape_town = Jurisdiction.objects.get(slug="cpt")
    assert output == "Imported 116 areas into City of Cape Town (116 created, 0 updated)"
    assert not Area.objects.exclude(code__startswith="191").exists()
    city_hall = areas_containing(cape_town.pk, -33.9253, 18.4239)
    assert [a.code for a in city_hall] == ["19100115"]


@pytest.mark.skipif(not BALTIMORE_DISTRICTS.exists(), reason="shared data is not beside the clone")
def test_it_imports_baltimore_council_districts_as_multipolygons(db):
    output = run(
        str(BALTIMORE_DISTRICTS),
        "--jurisdiction=baltimore",
        "--create-jurisdiction=Baltimore City",
        "--time-zone=America/New_York",
        "--kind=council_district",
        "--name-property=name",
    )

    baltimore = Jurisdiction.objects.get(slug="baltimore")
    assert output == "Imported 14 areas into Baltimore City (14 created, 0 updated)"
    assert baltimore.time_zone == "America/New_York"
    assert Area.objects.filter(jurisdiction=baltimore, kind="council_district").count() == 14
    # Baltimore City Hall, 100 N Holliday St.
    assert [a.name for a in areas_containing(baltimore.pk, 39.2910, -76.6105)] == ["District 11"]


def test_an_unknown_jurisdiction_is_refused_without_create(db):
    with pytest.raises(CommandError, match=r"No jurisdiction 'nowhere'.*--create-jurisdiction"):
        run(str(JHB_WARDS), "--jurisdiction=nowhere", "--name-property=ward_no")
    assert not Jurisdiction.objects.exists()
    assert not Area.objects.exists()


def test_an_unknown_time_zone_is_refused(db):
    with pytest.raises(CommandError, match="Unknown time zone 'Mars/Olympus'"):
        import_jhb("--create-jurisdiction=Johannesburg", "--time-zone=Mars/Olympus")
    assert not Jurisdiction.objects.exists()


def test_a_failed_import_does_not_create_the_jurisdiction(tmp_path, db):
    path = write(tmp_path, collection(feature(name=None)))
    with pytest.raises(CommandError):
        run(path, "--jurisdiction=new", "--create-jurisdiction=New", "--name-property=name")
    assert not Jurisdiction.objects.exists()


BAD_FILES = {
    "missing file": (None, "no such file"),
    "bad JSON": ('{"type": "FeatureCollection", "features": [', "not valid JSON"),
    "not a FeatureCollection": ({"type": "Feature", "geometry": SQUARE}, "not a GeoJSON"),
    "no features": (collection(), "no features"),
    "feature without the name": (collection(feature(), feature(name="")), "no 'name' property"),
    "a point": (
        collection(feature(), feature("Spot", {"type": "Point", "coordinates": [28, -26]})),
        "must be a Polygon or MultiPolygon, not Point",
    ),
    "not longitude/latitude": (
        collection(
            feature(geometry={"type": "Polygon", "coordinates": [[[0, 0], [9e5, 0], [9e5, 9e5]]]})
        ),
        "not WGS84",
    ),
    "the same name twice": (collection(feature(), feature()), "appears twice"),
}


@pytest.mark.parametrize("content, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_gives_a_clear_error_and_imports_nothing(
    tmp_path, jurisdiction, content, message
):
    path = str(tmp_path / "absent.geojson") if content is None else write(tmp_path, content)

    with pytest.raises(CommandError, match=message):
        run(path, "--jurisdiction=jhb", "--name-property=name")

    assert not Area.objects.exists()


def test_a_bad_feature_among_good_ones_leaves_existing_areas_untouched(tmp_path, jurisdiction):
    import_jhb()
    before = dict(Area.objects.values_list("name", "max_lat"))
    bad = json.loads(JHB_WARDS.read_text())
    bad["features"][5]["geometry"] = {"type": "LineString", "coordinates": [[28, -26], [28.1, -26]]}

    with pytest.raises(CommandError, match="feature 6"):
        run(
            write(tmp_path, bad),
            "--jurisdiction=jhb",
            "--name-property=ward_no",
            "--name-format=Ward {}",
        )

    assert dict(Area.objects.values_list("name", "max_lat")) == before


def test_where_keeps_only_matching_features(tmp_path, jurisdiction):
    north, south = feature("North"), feature("South")
    north["properties"]["side"], south["properties"]["side"] = "n", "s"

    output = run(
        write(tmp_path, collection(north, south)),
        "--jurisdiction=jhb",
        "--name-property=name",
        "--where=side=n",
    )

    assert output.startswith("Imported 1 areas")
    assert list(Area.objects.values_list("name", flat=True)) == ["North"]


def test_where_that_matches_nothing_imports_nothing(tmp_path, jurisdiction):
    with pytest.raises(CommandError, match="No feature matched"):
        import_jhb("--where=metro_code=CPT")
    assert not Area.objects.exists()


@pytest.mark.parametrize(
    "option, message",
    [
        ("--where=metro_code", "KEY=VALUE"),
        ("--name-format=Ward {number}", "--name-format"),
        ("--name-format=Ward", "--name-format"),
        ("--kind= ", "--kind"),
    ],
)
def test_bad_options_are_refused(jurisdiction, option, message):
    with pytest.raises(CommandError, match=message):
        import_jhb(option)
    assert not Area.objects.exists()


def test_a_directory_instead_of_a_file_is_refused(tmp_path, jurisdiction):
    with pytest.raises(CommandError, match="cannot be read"):
        run(str(tmp_path), "--jurisdiction=jhb", "--name-property=name")
    assert not Area.objects.exists()
