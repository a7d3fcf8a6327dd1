"""A Nominatim stand-in on loopback: GET /search?q=…&format=jsonv2 answers, like the real
one, a JSON array of places whose lat and lon are strings. It matches every word of `q`
against its places' display names and ignores the viewbox, so a place outside the city
reaches the client (which must drop it). `delay` makes it slow, `broken` makes it fail."""

import json
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from civicdesk.alerts.tests.servers import HttpStandIn

CARLTON_CENTRE = {
    "lat": "-26.2056",
    "lon": "28.0470",
    "display_name": "Carlton Centre, 150, Commissioner Street, Marshalltown, Johannesburg, "
    "City of Johannesburg Metropolitan Municipality, Gauteng, 2001, South Africa",
    "name": "Carlton Centre",
    "category": "building",
    "type": "commercial",
}
CHURCH_SQUARE = {  # Pretoria: outside Johannesburg's wards
    "lat": "-25.7463",
    "lon": "28.1881",
    "display_name": "Church Square, Commissioner Street, Pretoria Central, Pretoria, "
    "City of Tshwane Metropolitan Municipality, Gauteng, 0002, South Africa",
    "name": "Church Square",
    "category": "place",
    "type": "square",
}
WARD_AVENUE = {
    "lat": "-26.2070",
    "lon": "28.0400",
    "display_name": "Ward Avenue, Marshalltown, Johannesburg, "
    "City of Johannesburg Metropolitan Municipality, Gauteng, 2001, South Africa",
    "name": "Ward Avenue",
    "category": "highway",
    "type": "residential",
}
PLACES = [CARLTON_CENTRE, CHURCH_SQUARE, WARD_AVENUE]


class _Nominatim(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        server = self.server
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        server.requests.append({"path": url.path, "params": params, "headers": self.headers})
        time.sleep(server.delay)
        if server.broken or url.path != "/search":
            self._reply(500, b"<html>Internal Server Error</html>", "text/html")
            return
        words = params.get("q", "").lower().split()
        found = [
            {"place_id": n, "licence": "Data © OpenStreetMap contributors, ODbL 1.0."}
            | place
            | {"place_rank": 30, "importance": 0.3, "boundingbox": []}
            for n, place in enumerate(PLACES, start=1)
            if words and all(w in place["display_name"].lower() for w in words)
        ][: int(params.get("limit", 10))]
        self._reply(200, json.dumps(found).encode(), "application/json")

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def nominatim() -> HttpStandIn:
    return HttpStandIn(_Nominatim, delay=0.0, broken=False)
