"""The installable app: manifest, a service worker controlling the whole site, and the
one-page report form it keeps for use without signal."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders

from civicdesk.catalogue.models import Datatype, Question


def exists(client, url: str) -> bool:
    """A page answers, or a static file is there to be served."""
    static = "/" + settings.STATIC_URL.strip("/") + "/"
    if url.startswith(static):
        return finders.find(url.removeprefix(static)) is not None
    return client.get(url).status_code == 200


def test_the_manifest_makes_the_report_form_installable(client, db):
    response = client.get("/manifest.webmanifest")
    manifest = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/report/",
        "/",
        "standalone",
    )
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert exists(client, icon["src"]), icon
    assert 'rel="manifest"' in client.get("/").content.decode()


def test_the_service_worker_is_served_from_the_root_and_keeps_the_offline_form(client, db):
    response = client.get("/sw.js")
    script = response.content.decode()
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    shell = re.search(r"const SHELL = \[(.*?)\];", script).group(1)
    urls = re.findall(r'"([^"]+)"', shell)
    assert "/report/offline/" in urls and "/static/citizens/outbox.js" in urls
    for url in urls:
        assert exists(client, url), url


def test_the_offline_form_holds_every_category_with_its_questions(
    client, wards, electricity, roads, pothole
):
    Question.objects.create(
        issue_type=pothole,
        code="depth",
        description="How deep is it (cm)?",
        datatype=Datatype.NUMBER,
        order=1,
    )
    html = client.get("/report/offline/").content.decode()
    assert 'value="/report/jhb/power-outage/details/"' in html
    assert 'value="/report/jhb/pothole/details/"' in html
    assert "How many homes are affected?" in html and "How deep is it (cm)?" in html
    # Each category's questions are a disabled fieldset until chosen, with distinct ids.
    assert html.count("hidden disabled") == 2
    assert len(re.findall(r'name="q_depth"', html)) == 1
    ids = re.findall(r' id="(id_[^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert 'name="key"' in html and "data-offline-form" in html
