"""import_assets: GeoJSON and CSV, re-runs that update, bad rows reported and skipped."""

import json
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from civicdesk.assets.importing import csv_rows, import_assets
from civicdesk.assets.models import Asset
from conftest import CARLTON_CENTRE

LAT, LON = CARLTON_CENTRE


def point(ref, lat=LAT, lon=LON, **props):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"pole_no": ref, **props},
    }


def write_geojson(tmp_path, features):
    path = tmp_path / "lights.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_assets", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_geojson_points_become_assets_with_their_area_and_attributes(tmp_path, wards):
    path = write_geojson(
        tmp_path, [point("JL-1", wattage=150), point("JL-2", lon=LON + 0.001, wattage=250)]
    )
    out, err = run(
        path, "--jurisdiction", "jhb", "--kind", "street_light", "--id-property", "pole_no"
    )
    assert "2 created, 0 updated" in out and err == ""
    light = Asset.objects.get(reference="JL-1")
    assert light.kind == "street_light" and light.active
    assert (light.lat, light.lon) == (LAT, LON)
    assert light.attributes == {"wattage": 150}
    assert light.area.name == "Ward 124"


def test_a_re_run_updates_rather_than_duplicates(tmp_path, wards):
    path = write_geojson(tmp_path, [point("JL-1", wattage=150), point("JL-2")])
    run(path, "--kind", "street_light", "--id-property", "pole_no")
    Asset.objects.filter(reference="JL-2").update(active=False)
    path = write_geojson(tmp_path, [point("JL-1", wattage=200), point("JL-2"), point("JL-3")])
    out, _ = run(path, "--kind", "street_light", "--id-property", "pole_no")
    assert "1 created, 2 updated, 0 unchanged" in out
    assert Asset.objects.count() == 3
    assert Asset.objects.get(reference="JL-1").attributes == {"wattage": 200}
    assert Asset.objects.get(reference="JL-2").active
    again, _ = run(path, "--kind", "street_light", "--id-property", "pole_no")
    assert "0 created, 0 updated, 3 unchanged" in again


def test_bad_features_are_reported_by_number_and_skipped(tmp_path, wards):
    features = [
        point("JL-1"),
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": []},
            "properties": {},
        },
        point(""),
        point("JL-4", lat=-33.9, lon=18.4),  # Cape Town: outside Johannesburg
        point("JL-1"),
    ]
    out, err = run(
        write_geojson(tmp_path, features), "--kind", "hydrant", "--id-property", "pole_no"
    )
    assert "1 created" in out and "4 skipped" in out
    assert "feature 2: the geometry must be a Point, not LineString" in err
    assert "feature 3: no id" in err
    assert "feature 4 (JL-4): the point is outside" in err
    assert "feature 5: the id 'JL-1' is already on feature 1" in err
    assert list(Asset.objects.values_list("reference", "kind")) == [("JL-1", "hydrant")]


def test_csv_with_kinds_per_row_and_extra_columns_as_attributes(tmp_path, wards):
    path = tmp_path / "assets.csv"
    path.write_text(
        "id,kind,lat,lon,diameter_mm,installed\n"
        f"H-1,hydrant,{LAT},{LON},100,2019\n"
        f"V-7,valve,{LAT},{LON + 0.002},,\n"
        f"V-8,valve,north,{LON}\n"
        f"X-1,not a kind,{LAT},{LON}\n"
    )
    out, err = run(path)
    assert "2 created" in out and "2 skipped" in out
    assert "line 4 (V-8): latitude and longitude must be numbers" in err
    assert "line 5 (X-1): the kind must be a slug" in err
    hydrant = Asset.objects.get(reference="H-1")
    assert hydrant.kind == "hydrant" and hydrant.attributes == {
        "diameter_mm": "100",
        "installed": "2019",
    }
    assert Asset.objects.get(reference="V-7").attributes == {}


def test_a_csv_without_the_needed_columns_is_refused(tmp_path, wards):
    path = tmp_path / "assets.csv"
    path.write_text("name,x,y\nA,1,2\n")
    with pytest.raises(CommandError, match="no id or reference or number column"):
        run(path)
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.geojson")


def test_thousands_of_assets_in_a_few_seconds_in_batches(
    wards, jurisdiction, django_assert_max_num_queries
):
    lines = ["id,kind,lat,lon,lamp"] + [
        f"SL-{n},street_light,{LAT + (n // 100) * 0.0003},{LON + (n % 100) * 0.0003},LED"
        for n in range(5000)
    ]
    # SQLite caps a statement's parameters, so its batches are smaller than PostgreSQL's.
    started = time.monotonic()
    with django_assert_max_num_queries(80):
        result = import_assets(jurisdiction, csv_rows(lines))
    assert result.created == 5000 and not result.problems
    lines[1] = f"SL-0,street_light,{LAT},{LON},sodium"
    with django_assert_max_num_queries(80):
        again = import_assets(jurisdiction, csv_rows(lines))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 4999)
    assert time.monotonic() - started < 20
    assert Asset.objects.count() == 5000
