"""The GeoReport v2 answers as shapes: element names and the type of each value, checked
in both formats. GeoReport has no schema; these follow the spec's examples and
docs/open311.md. XML: a root container of repeated elements; JSON: the same without the
root (a bare array), or an object for single-object roots (discovery, service_definition).

`problems(document, fmt, body)` lists what breaks the shape; an empty list is a pass."""

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree

W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
XML_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>"


@dataclass(frozen=True)
class Kind:
    """A scalar: how it looks as a JSON value and as XML text (absent text is "")."""

    name: str
    in_json: Callable[[object], bool]
    in_xml: Callable[[str], bool]


def _finite(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


TEXT = Kind("text", lambda v: isinstance(v, str), lambda t: True)
WORD = Kind("non-empty text", lambda v: isinstance(v, str) and bool(v.strip()), lambda t: bool(t))
ID = Kind("id", lambda v: isinstance(v, str) and v.isascii() and v.isdigit(), str.isdigit)
BOOLEAN = Kind("boolean", lambda v: isinstance(v, bool), lambda t: t in ("true", "false"))
INTEGER = Kind(
    "integer",
    lambda v: isinstance(v, int) and not isinstance(v, bool),
    lambda t: re.fullmatch(r"-?\d+", t) is not None,
)
NUMBER_OR_EMPTY = Kind(
    "number or empty", lambda v: v is None or _is_number(v), lambda t: t == "" or _finite(t)
)
DATETIME = Kind(
    "W3C date-time",
    lambda v: isinstance(v, str) and W3C.match(v) is not None,
    lambda t: W3C.match(t) is not None,
)
DATETIME_OR_EMPTY = Kind(
    "W3C date-time or empty",
    lambda v: v is None or (isinstance(v, str) and W3C.match(v) is not None),
    lambda t: t == "" or W3C.match(t) is not None,
)
URL_OR_EMPTY = Kind(
    "URL or empty",
    lambda v: isinstance(v, str) and (v == "" or v.startswith(("http://", "https://"))),
    lambda t: t == "" or t.startswith(("http://", "https://")),
)


def one_of(*values: str) -> Kind:
    return Kind(f"one of {values}", lambda v: v in values, lambda t: t in values)


@dataclass(frozen=True)
class ListOf:
    """A list kept in its container element (`attributes/attribute`, `values/value`)."""

    item: str
    of: "Shape | Kind"


@dataclass(frozen=True)
class Shape:
    fields: dict[str, "Kind | ListOf"]
    optional: frozenset[str] = frozenset()
    # Names of which exactly one must be present (POST requests: an id or a token).
    exactly_one_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    root: str
    shape: Shape
    item: str | None = None  # repeated element of a container root; None: one object


ERROR = Shape({"code": INTEGER, "description": WORD})
ERRORS = Document("errors", ERROR, "error")

DISCOVERY = Document(
    "discovery",
    Shape(
        {
            "changeset": DATETIME,
            "contact": TEXT,
            "key_service": TEXT,
            "endpoints": ListOf(
                "endpoint",
                Shape(
                    {
                        "specification": URL_OR_EMPTY,
                        "url": URL_OR_EMPTY,
                        "changeset": DATETIME,
                        "type": one_of("production", "test"),
                        "formats": ListOf("format", one_of("text/xml", "application/json")),
                    }
                ),
            ),
        }
    ),
)
SERVICES = Document(
    "services",
    Shape(
        {
            "service_code": WORD,
            "service_name": WORD,
            "description": TEXT,
            "metadata": BOOLEAN,
            "type": one_of("realtime", "batch", "blackbox"),
            "keywords": TEXT,
            "group": TEXT,
        }
    ),
    "service",
)
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
SERVICE_DEFINITION = Document(
    "service_definition",
    Shape(
        {
            "service_code": WORD,
            "attributes": ListOf(
                "attribute",
                Shape(
                    {
                        "variable": BOOLEAN,
                        "code": WORD,
                        "datatype": one_of(*DATATYPES),
                        "required": BOOLEAN,
                        "datatype_description": TEXT,
                        "order": INTEGER,
                        "description": TEXT,
                        "values": ListOf("value", Shape({"key": WORD, "name": TEXT})),
                    }
                ),
            ),
        }
    ),
)
SERVICE_REQUESTS = Document(
    "service_requests",
    Shape(
        {
            "service_request_id": ID,
            "status": one_of("open", "closed"),
            "status_notes": TEXT,
            "service_name": WORD,
            "service_code": WORD,
            "description": TEXT,
            "agency_responsible": TEXT,
            "service_notice": TEXT,
            "requested_datetime": DATETIME,
            "updated_datetime": DATETIME,
            "expected_datetime": DATETIME_OR_EMPTY,
            "address": TEXT,
            "address_id": TEXT,
            "zipcode": TEXT,
            "lat": NUMBER_OR_EMPTY,
            "long": NUMBER_OR_EMPTY,
            "media_url": URL_OR_EMPTY,
        }
    ),
    "request",
)
CREATED_REQUESTS = Document(
    "service_requests",
    Shape(
        {"service_request_id": ID, "token": WORD, "service_notice": WORD, "account_id": TEXT},
        optional=frozenset({"service_request_id", "token", "account_id"}),
        exactly_one_of=("service_request_id", "token"),
    ),
    "request",
)
TOKEN_ANSWERS = Document(
    "service_requests", Shape({"service_request_id": ID, "token": WORD}), "request"
)
EXTENDED_STATUSES = (
    "OPEN",
    "INVESTIGATING",
    "IN_PROGRESS",
    "FIXED",
    "CLOSED",
    "DUPLICATE",
    "NO_FURTHER_ACTION",
    "REOPEN",
)
SERVICE_REQUEST_UPDATES = Document(
    "service_request_updates",
    Shape(
        {
            "update_id": WORD,
            "service_request_id": ID,
            "status": one_of(*EXTENDED_STATUSES),
            "updated_datetime": DATETIME,
            "description": WORD,
            "media_url": URL_OR_EMPTY,
            "external_status_code": WORD,
        },
        optional=frozenset({"external_status_code"}),
    ),
    "request_update",
)
RECEIVED_UPDATES = Document("service_request_updates", Shape({"update_id": WORD}), "request_update")


def _scalar_problems(where: str, kind: Kind, value: object, in_xml: bool) -> list[str]:
    ok = kind.in_xml(value) if in_xml else kind.in_json(value)
    return [] if ok else [f"{where}: {value!r} is not {kind.name}"]


def _json_problems(where: str, shape: Shape, value: object) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not an object"]
    found = []
    missing = set(shape.fields) - shape.optional - set(value)
    unknown = set(value) - set(shape.fields)
    found += [f"{where}: {name} is missing" for name in sorted(missing)]
    found += [f"{where}: {name} is not in the spec's shape" for name in sorted(unknown)]
    if shape.exactly_one_of and sum(n in value for n in shape.exactly_one_of) != 1:
        found.append(f"{where}: exactly one of {shape.exactly_one_of}")
    for name, kind in shape.fields.items():
        if name not in value:
            continue
        inner = f"{where}.{name}"
        if isinstance(kind, ListOf):
            found += _json_list_problems(inner, kind, value[name])
        else:
            found += _scalar_problems(inner, kind, value[name], in_xml=False)
    return found


def _json_list_problems(where: str, kind: ListOf, value: object) -> list[str]:
    if not isinstance(value, list):
        return [f"{where}: {value!r} is not a list"]
    found = []
    for index, item in enumerate(value):
        if isinstance(kind.of, Shape):
            found += _json_problems(f"{where}[{index}]", kind.of, item)
        else:
            found += _scalar_problems(f"{where}[{index}]", kind.of, item, in_xml=False)
    return found


def _xml_problems(where: str, shape: Shape, element: ElementTree.Element) -> list[str]:
    names = [child.tag for child in element]
    found = [
        f"{where}: {n} appears twice" for n in sorted({n for n in names if names.count(n) > 1})
    ]
    missing = set(shape.fields) - shape.optional - set(names)
    unknown = set(names) - set(shape.fields)
    found += [f"{where}: <{name}> is missing" for name in sorted(missing)]
    found += [f"{where}: <{name}> is not in the spec's shape" for name in sorted(unknown)]
    if shape.exactly_one_of and sum(n in names for n in shape.exactly_one_of) != 1:
        found.append(f"{where}: exactly one of {shape.exactly_one_of}")
    for child in element:
        kind = shape.fields.get(child.tag)
        inner = f"{where}/{child.tag}"
        if isinstance(kind, ListOf):
            found += _xml_list_problems(inner, kind, child)
        elif kind is not None:
            if len(child):
                found.append(f"{inner}: a value, not elements")
            found += _scalar_problems(inner, kind, child.text or "", in_xml=True)
    return found


def _xml_list_problems(where: str, kind: ListOf, element: ElementTree.Element) -> list[str]:
    found = [
        f"{where}: <{c.tag}> where <{kind.item}> belongs" for c in element if c.tag != kind.item
    ]
    for index, child in enumerate(element):
        inner = f"{where}/{kind.item}[{index}]"
        if isinstance(kind.of, Shape):
            found += _xml_problems(inner, kind.of, child)
        else:
            found += _scalar_problems(inner, kind.of, child.text or "", in_xml=True)
    return found


def problems(document: Document, fmt: str, body: bytes) -> list[str]:
    """What in `body` (a whole answer in `fmt`) breaks the document's shape."""
    if fmt == "json":
        try:
            value = json.loads(body)
        except ValueError as exc:
            return [f"not JSON: {exc}"]
        if document.item is None:
            return _json_problems(document.root, document.shape, value)
        return _json_list_problems(document.root, ListOf(document.item, document.shape), value)
    if not body.startswith(XML_DECLARATION):
        return [f"no XML declaration: {body[:60]!r}"]
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        return [f"not XML: {exc}"]
    if root.tag != document.root:
        return [f"root <{root.tag}>, not <{document.root}>"]
    if document.item is None:
        return _xml_problems(root.tag, document.shape, root)
    return _xml_list_problems(root.tag, ListOf(document.item, document.shape), root)


def items(fmt: str, body: bytes) -> list:
    """The repeated items of a container answer (dicts in JSON, elements in XML)."""
    if fmt == "json":
        return json.loads(body)
    return list(ElementTree.fromstring(body))
