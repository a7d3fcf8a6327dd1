"""The demo's street lights: the same every build, inside the city, and the demo's
street-light type asks for one."""

from civicdesk.assets.models import Asset
from civicdesk.catalogue.models import IssueType
from civicdesk.demo.street_lights import add_street_lights


def test_the_demo_registers_street_lights_and_the_type_asks_for_one(jurisdiction, wards):
    IssueType.objects.create(jurisdiction=jurisdiction, code="street-light-out", name="Light")
    count = add_street_lights(jurisdiction)
    assert count > 200 and Asset.objects.count() == count
    before = list(Asset.objects.order_by("reference").values_list("reference", "lat", "lon"))
    assert add_street_lights(jurisdiction) == count
    after = list(Asset.objects.order_by("reference").values_list("reference", "lat", "lon"))
    assert after == before
    assert not Asset.objects.filter(area=None).exists()
    assert IssueType.objects.get(code="street-light-out").asset_kind == "street_light"
