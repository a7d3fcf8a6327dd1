"""POST requests beyond the rate limits: an Open311 error list (JSON or XML) with a 429
and Retry-After, and no issue; per client application and per citizen."""

from civicdesk.issues.models import Issue
from civicdesk.open311.services import register_application
from civicdesk.open311.tests.test_post_requests import outage


def test_an_application_key_is_limited_in_both_formats(api, city, api_key, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"report_per_key": "2/h"}
    for n in range(2):
        assert api.post("requests.json", outage(api_key, email=f"c{n}@example.org")).status == 200
    for fmt in ("json", "xml"):
        refused = api.post(f"requests.{fmt}", outage(api_key, email="c9@example.org"))
        assert refused.status == 429
        assert int(refused.headers["Retry-After"]) > 0
        [(code, description)] = refused.errors()
        assert code == "429" and "Too many reports" in description
    assert Issue.objects.count() == 2
    # Another application is counted apart.
    _, other = register_application("Another city app")
    assert api.post("requests.json", outage(other, email="c9@example.org")).status == 200


def test_one_citizen_is_limited_across_applications(api, city, api_key, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"report_per_account": "1/h"}
    _, other = register_application("Another city app")
    assert api.post("requests.json", outage(api_key, phone="082 555 0101")).status == 200
    refused = api.post("requests.xml", outage(other, phone="082-555-0101"))
    assert refused.status == 429
    assert Issue.objects.count() == 1
