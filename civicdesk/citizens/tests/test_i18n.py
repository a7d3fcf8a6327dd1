"""The citizens' pages in another language: chosen with the site's language switcher, the
reporting flow renders in Afrikaans (catalogues compiled at set-up by `./civic`)."""

from django.utils import translation

from civicdesk.citizens.views import labels


def choose(client, language: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302


def test_the_home_page_and_the_report_form_render_in_afrikaans(client, wards, electricity):
    choose(client, "af")
    home = client.get("/").content.decode()
    assert '<html lang="af">' in home
    assert "Is iets stukkend in u straat?" in home and "Rapporteer 'n kwessie" in home
    form = client.get("/report/jhb/power-outage/details/?lat=-26.2056&lon=28.047")
    html = form.content.decode()
    assert "Vertel ons meer" in html and "Stuur die verslag" in html
    refused = client.post(
        "/report/jhb/power-outage/details/", {"lat": "-26.2", "key": "x" * 20, "phone": "12"}
    ).content.decode()
    assert "Gee die breedtegraad sowel as die lengtegraad." in refused
    assert "foonnommer soos 082 555 0101" in refused


def test_english_stays_the_default(client, wards, electricity):
    assert "Something broken in your street?" in client.get("/").content.decode()


def test_timeline_words_are_translated(db):
    with translation.override("af"):
        assert labels.status_label("in_progress") == "Aan die gang"
        assert str(labels.ACTIVITY_STATUS["on_hold"]) == "Opgeskort"
    with translation.override("zu"):
        assert labels.status_label("resolved") == "Kuxazululiwe"
