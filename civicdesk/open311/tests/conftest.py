"""Open311 fixtures: a city with services of every datatype, a client key, and a helper
that calls the API and parses the answer with a real XML or JSON parser."""

import json
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from civicdesk.catalogue.models import Datatype, IssueType, Question
from civicdesk.open311.services import register_application

BASE = "/open311/v2/"


@dataclass
class Answer:
    status: int
    content_type: str
    body: Any  # a list or dict for JSON, the root Element for XML
    headers: Any

    def errors(self) -> list[tuple[str, str]]:
        """(code, description) pairs from either format."""
        if isinstance(self.body, ElementTree.Element):
            assert self.body.tag == "errors"
            return [(e.findtext("code"), e.findtext("description")) for e in self.body]
        return [(str(e["code"]), e["description"]) for e in self.body]


def parse(response) -> Answer:
    content_type = response["Content-Type"]
    if content_type.startswith("text/xml"):
        assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
        body = ElementTree.fromstring(response.content)
    else:
        assert content_type == "application/json; charset=utf-8", content_type
        body = json.loads(response.content)
    return Answer(response.status_code, content_type, body, response)


class Open311Client:
    def __init__(self) -> None:
        self.http = Client()

    def get(self, path: str, **query: Any) -> Answer:
        return parse(self.http.get(BASE + path, query))

    def post(self, path: str, data: dict[str, Any], headers: dict | None = None) -> Answer:
        return parse(self.http.post(BASE + path, data, headers=headers))


@pytest.fixture
def api() -> Open311Client:
    return Open311Client()


@pytest.fixture
def city(jurisdiction, wards, electricity, roads, power_outage, pothole):
    """Johannesburg wards, two routed services, and a survey service using every datatype."""
    survey = IssueType.objects.create(
        jurisdiction=jurisdiction,
        code="streetlight",
        name="Streetlight fault",
        group="Electricity",
        description="A streetlight that is off, flickering or on by day",
        keywords="light,lamp,dark",
    )
    electricity.issue_types.add(survey)
    questions = [
        ("note", Datatype.STRING, False, False, []),
        ("pole", Datatype.STRING, True, True, []),
        ("lamps", Datatype.NUMBER, False, True, []),
        ("since", Datatype.DATETIME, False, True, []),
        ("details", Datatype.TEXT, False, True, []),
        ("state", Datatype.SINGLEVALUELIST, True, True, [("off", "Off"), ("flicker", "Flickers")]),
        (
            "hazards",
            Datatype.MULTIVALUELIST,
            False,
            True,
            [("wires", "Open wires"), ("pole", "Leaning pole")],
        ),
    ]
    for order, (code, datatype, required, variable, values) in enumerate(questions, start=1):
        Question.objects.create(
            issue_type=survey,
            code=code,
            description=f"About the {code}",
            datatype=datatype,
            datatype_description="The number on the pole" if code == "pole" else "",
            required=required,
            variable=variable,
            order=order,
            values=[{"key": k, "name": n} for k, n in values],
        )
    return jurisdiction


@pytest.fixture
def client_app(db):
    application, raw = register_application("Joburg Fix app")
    application.raw_key = raw
    return application


@pytest.fixture
def api_key(client_app) -> str:
    return client_app.raw_key
