"""Open311 answers in XML and JSON from one structure, and the spec's error lists.

GeoReport v2 has no schema: XML is a root container of repeated elements, and JSON is its
mechanical mapping, the root disappearing into a bare array. Lists inside an element keep
their container (`attributes/attribute`, `values/value`); the singular names are below."""

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# Container element → the name of each element it holds.
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
}


class Open311Error(Exception):
    """An answer in the spec's error format: `errors` is a list of (code, description)."""

    def __init__(self, status: int, *descriptions: str, code: int | None = None) -> None:
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.errors = [(code or status, d) for d in descriptions]


# Characters XML 1.0 forbids (most control characters, lone surrogates, U+FFFE/FFFF): one in
# a citizen's description or a provider's update id made the whole document unreadable.
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else NOT_IN_XML.sub("\ufffd", str(value))


def _append(parent: Element, tag: str, value: Any) -> None:
    child = SubElement(parent, tag)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _append(child, key, inner)
    elif isinstance(value, list | tuple):
        name = ITEM_NAMES[tag]
        for inner in value:
            _append(child, name, inner)
    else:
        child.text = _text(value)


def to_xml(root: str, content: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> bytes:
    """`content` is one mapping (a single-object root such as `service_definition`) or the
    items of a container root such as `services`."""
    element = Element(root)
    if isinstance(content, Mapping):
        for key, value in content.items():
            _append(element, key, value)
    else:
        name = ITEM_NAMES[root]
        for item in content:
            _append(element, name, item)
    return tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, content: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    else:
        body = to_xml(root, content)
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    items = [{"code": code, "description": description} for code, description in error.errors]
    return respond(fmt if fmt in FORMATS else "xml", "errors", items, status=error.status)
