"""Which database a read-only report reads from: the replica for reports when one is
configured (REPORTS_DATABASE_URL adds the "reports" alias), else the default database.

Reports read a replica a moment behind the primary; pages that must show what a citizen
has just done (the issue page, the lists) keep reading the default database."""

from django.db import DEFAULT_DB_ALIAS, connections

REPORTS_ALIAS = "reports"


def reports_database() -> str:
    """The alias the SLA report, the transparency figures and open data read from."""
    return REPORTS_ALIAS if REPORTS_ALIAS in connections else DEFAULT_DB_ALIAS
