"""A small Open311 GeoReport v2 client (JSON) for the calls forwarding needs."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

TIMEOUT_SECONDS = 15


class ProviderError(Exception):
    """The provider could not be reached or did not accept the call; worth retrying
    unless `permanent` (it refused what we sent)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Open311Client:
    def __init__(self, endpoint: str, *, api_key: str = "", jurisdiction_id: str = "") -> None:
        self.endpoint = endpoint.rstrip("/") + "/"
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        params = dict(kwargs.pop("params", {}))
        if self.jurisdiction_id:
            params["jurisdiction_id"] = self.jurisdiction_id
        try:
            response = httpx.request(
                method, self.endpoint + path, params=params, timeout=TIMEOUT_SECONDS, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"{method} {path}: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code >= 400:
            # A 4xx other than throttling is the provider refusing what we sent.
            raise ProviderError(
                f"{method} {path}: HTTP {response.status_code}: {_errors(response)}",
                permanent=400 <= response.status_code < 500 and response.status_code != 429,
            )
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderError(f"{method} {path}: the answer is not JSON") from exc

    def post_request(self, fields: Sequence[tuple[str, str]]) -> dict[str, str]:
        """POST requests.json; the answer's service_request_id or token (and notice)."""
        data: dict[str, list[str]] = {"api_key": [self.api_key]}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        answer = self._call("POST", "requests.json", data=data)
        first = _first(answer, "requests.json")
        if not (first.get("service_request_id") or first.get("token")):
            raise ProviderError("requests.json: neither service_request_id nor token")
        return {k: str(v) for k, v in first.items() if v is not None}

    def resolve_token(self, token: str) -> str:
        """The service_request_id behind a token, or "" while the provider has none yet."""
        answer = self._call("GET", f"tokens/{token}.json")
        return str(_first(answer, "tokens").get("service_request_id") or "")

    def requests(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """GET requests.json for these ids (the id list overrides every other filter)."""
        answer = self._call("GET", "requests.json", params={"service_request_id": ",".join(ids)})
        return _list(answer, "requests.json")

    def updates(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """GET servicerequestupdates.json between two instants."""
        params = {
            "start_date": start.isoformat(timespec="seconds"),
            "end_date": end.isoformat(timespec="seconds"),
        }
        return _list(self._call("GET", "servicerequestupdates.json", params=params), "updates")


def _list(answer: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(answer, list) or not all(isinstance(item, dict) for item in answer):
        raise ProviderError(f"{what}: expected a list of objects")
    return answer


def _first(answer: Any, what: str) -> dict[str, Any]:
    items = _list(answer, what)
    if not items:
        raise ProviderError(f"{what}: empty answer")
    return items[0]


def _errors(response: httpx.Response) -> str:
    try:
        return "; ".join(str(e.get("description", e)) for e in response.json())[:500]
    except (ValueError, TypeError, AttributeError):
        return response.text[:500]
