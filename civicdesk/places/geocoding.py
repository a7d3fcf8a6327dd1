"""Finding a place by what a citizen typed: the jurisdiction's own areas by name (offline),
merged with a Nominatim-compatible geocoder's answers that fall inside those areas.

The geocoder is optional (settings.GEOCODER_URL empty turns it off) and never fatal: a
failure or a timeout is logged and the search answers with the area matches alone. Its
answers are cached for a day, as Nominatim's usage policy asks (no repeated queries)."""

import hashlib
import logging
import re
import time
from dataclasses import asdict, dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from civicdesk.issues.reference import reference
from civicdesk.places.models import Jurisdiction

logger = logging.getLogger(__name__)

AREA = "area"
GEOCODER = "geocoder"
CACHE_SECONDS = 24 * 3600
TEXT_MAX = 300
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    label: str
    lat: float
    lon: float
    source: str  # AREA or GEOCODER

    def as_dict(self) -> dict:
        return asdict(self)


def _words(text: str) -> list[str]:
    """Lower-case words; numbers without leading zeros ("Ward 012" is ward 12)."""
    return [(w.lstrip("0") or "0") if w.isdecimal() else w for w in WORD.findall(text.lower())]


def _word_matches(query: str, name_words: list[str]) -> bool:
    """A number must equal a word of the name (12 is not 124); other words may start one."""
    if query.isdecimal():
        return query in name_words
    return any(word.startswith(query) for word in name_words)


def _natural(name: str) -> tuple:
    return tuple((0, int(p), "") if p.isdecimal() else (1, 0, p) for p in _words(name))


def area_matches(jurisdiction: Jurisdiction, text: str) -> tuple[list[Match], list[Match]]:
    """Areas whose name has every word of `text` (or whose code is `text`), placed at a
    point surely inside them: (exact name or code matches, the others), each by name."""
    query = _words(text)
    if not query:
        return [], []
    known = reference(jurisdiction)
    exact, partial = [], []
    for index, area in enumerate(known.areas):
        name_words = _words(area.name)
        is_exact = name_words == query or (bool(area.code) and area.code == text.strip())
        if not is_exact and not all(_word_matches(q, name_words) for q in query):
            continue
        point = known.shapes.geometries[index].representative_point()
        found = Match(label=area.name, lat=point.y, lon=point.x, source=AREA)
        (exact if is_exact else partial).append((area.name, found))
    by_name = lambda pair: _natural(pair[0])  # noqa: E731
    return [m for _, m in sorted(exact, key=by_name)], [m for _, m in sorted(partial, key=by_name)]


def _geocoder_params(jurisdiction: Jurisdiction, text: str, limit: int) -> dict[str, str] | None:
    bounds = reference(jurisdiction).bounds
    if bounds is None:
        return None  # no areas: no answer could be kept
    min_lat, max_lat, min_lon, max_lon = bounds
    params = {
        "q": text,
        "format": "jsonv2",
        "limit": str(limit),
        "viewbox": f"{min_lon},{max_lat},{max_lon},{min_lat}",
        "bounded": "1",
        "accept-language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    if settings.GEOCODER_COUNTRY_CODES:  # a jurisdiction has no country of its own
        params["countrycodes"] = settings.GEOCODER_COUNTRY_CODES.lower()
    return params


def _ask_geocoder(params: dict[str, str]) -> list[tuple[str, float, float]] | None:
    """The geocoder's answers as (label, lat, lon), or None when it could not answer."""
    try:
        response = requests.get(
            settings.GEOCODER_URL,
            params=params,
            headers={"User-Agent": settings.GEOCODER_USER_AGENT},
            timeout=settings.GEOCODER_TIMEOUT,
        )
        response.raise_for_status()
        answer = response.json()
    except requests.HTTPError as exc:
        # The query stays out of the log (it may be someone's home address), so no URL;
        # requests, unlike httpx, logs the URLs it asks only at DEBUG level.
        logger.warning("Geocoder failed: HTTP %s", exc.response.status_code)
        return None
    except (requests.RequestException, ValueError) as exc:
        logger.warning("Geocoder failed: %s", exc.__class__.__name__)
        return None
    if not isinstance(answer, list):
        logger.warning("Geocoder failed: the answer is not a JSON array")
        return None
    found = []
    for item in answer:
        try:
            found.append((str(item["display_name"]), float(item["lat"]), float(item["lon"])))
        except (KeyError, TypeError, ValueError):
            continue  # one unreadable entry does not spoil the others
    return found


def _within_rate() -> bool:
    """Whether one more query to the geocoder fits this second's budget (Nominatim's
    policy: one a second). Counted in the cache, so processes sharing a cache (Redis)
    share the budget; a query over it gets the area matches only, never a wait."""
    second = f"geocoder:second:{int(time.time())}"
    cache.add(second, 0, timeout=2)
    try:
        return cache.incr(second) <= settings.GEOCODER_QUERIES_PER_SECOND
    except ValueError:  # the key expired between add and incr: a new second began
        return True


def geocoder_matches(jurisdiction: Jurisdiction, text: str, limit: int) -> list[Match]:
    """The geocoder's answers for `text` that lie inside one of the jurisdiction's areas."""
    params = _geocoder_params(jurisdiction, text, limit) if settings.GEOCODER_URL else None
    if params is None:
        return []
    # Geocoders ignore case: "Bree street" and "Bree Street" are one query.
    asked = sorted((name, value.lower()) for name, value in params.items())
    digest = hashlib.sha256(repr((settings.GEOCODER_URL, asked)).encode())
    key = f"geocoder:{digest.hexdigest()}"
    found = cache.get(key)
    if found is None:
        if not _within_rate():
            logger.warning(
                "Geocoder skipped: more than %s queries this second",
                settings.GEOCODER_QUERIES_PER_SECOND,
            )
            return []
        found = _ask_geocoder(params)
        if found is None:
            return []
        cache.set(key, found, CACHE_SECONDS)
    known = reference(jurisdiction)
    return [
        Match(label=label, lat=lat, lon=lon, source=GEOCODER)
        for label, lat, lon in found
        if known.areas_at(lat, lon)
    ]


def search(jurisdiction: Jurisdiction, text: str, limit: int = 5) -> list[Match]:
    """Places matching `text`, at most `limit`: areas named exactly so, then the geocoder's
    answers inside the jurisdiction, then areas whose name merely contains the words. An
    exact area match asks no geocoder."""
    text = " ".join(text.split())[:TEXT_MAX]
    if not text:
        return []
    exact, partial = area_matches(jurisdiction, text)
    found = exact + (geocoder_matches(jurisdiction, text, limit) if not exact else []) + partial
    unique: dict[tuple[str, float, float], Match] = {}
    for match in found:
        unique.setdefault((match.label, round(match.lat, 5), round(match.lon, 5)), match)
    return list(unique.values())[:limit]
