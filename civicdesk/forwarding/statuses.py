"""What a provider's Open311 status means for our issue."""

from civicdesk.issues.models import Status
from civicdesk.issues.services.provider import DISPATCH, MOVES

# GeoReport v2 has open/closed; the extended statuses are those real servers send in
# updates (FixMyStreet and the cities using it). "Open" again after a fix is a reopening;
# otherwise it says nothing new. "Not our responsibility" hands the issue back to the
# dispatch centre instead of closing it on the citizen.
STANDARD = {
    "OPEN": Status.REOPENED,
    "REOPEN": Status.REOPENED,
    "FOR_TRIAGE": "",
    "INVESTIGATING": Status.ACKNOWLEDGED,
    "ACTION_SCHEDULED": Status.ACKNOWLEDGED,
    "PLANNED": Status.ACKNOWLEDGED,
    "INTERNAL_REFERRAL": Status.ACKNOWLEDGED,
    "IN_PROGRESS": Status.IN_PROGRESS,
    "FIXED": Status.RESOLVED,
    "CLOSED": Status.RESOLVED,
    "DUPLICATE": Status.DUPLICATE,
    "NO_FURTHER_ACTION": Status.REJECTED,
    "CANCELLED": Status.REJECTED,
    "NOT_COUNCILS_RESPONSIBILITY": DISPATCH,
}
TARGETS = ("", *MOVES)


def normalise(code: str) -> str:
    return code.strip().upper().replace(" ", "_").replace("-", "_")


def our_status(status: str, external_status_code: str = "", mapping: dict | None = None) -> str:
    """Our target for a provider's update: its own mapping first (external code, then
    status), then the standard statuses. "" means the update carries a note only."""
    mapping = {normalise(k): v for k, v in (mapping or {}).items()}
    for code in (external_status_code, status):
        if code and normalise(code) in mapping:
            return mapping[normalise(code)]
    return STANDARD.get(normalise(status), "")
