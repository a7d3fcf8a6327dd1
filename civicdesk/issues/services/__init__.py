"""Use cases of an issue, each in one transaction, writing its events and alerts."""

from civicdesk.issues.services.feedback import give_feedback
from civicdesk.issues.services.handling import (
    acknowledge,
    add_note,
    answer_info,
    merge_duplicate,
    reject,
    request_info,
    reroute,
)
from civicdesk.issues.services.reporting import (
    Contact,
    citizen_for,
    push,
    report_issue,
    unpush,
)

__all__ = [
    "Contact",
    "acknowledge",
    "add_note",
    "answer_info",
    "citizen_for",
    "give_feedback",
    "merge_duplicate",
    "push",
    "reject",
    "report_issue",
    "request_info",
    "reroute",
    "unpush",
]
