"""The authorisation matrix: for every URL pattern of the site, what each role gets.

test_authorisation_matrix.py walks civicdesk.urls (Django's patterns, the JSON API's
operations and the admin's) and fails for any pattern without an entry here, naming it.
Each entry is a list of checks; a check is one request per role (GET, or a POST/PUT/PATCH/
DELETE that would change something), with the outcome expected for each role, in the
order of ROLES:

    anonymous    nobody signed in (the API: no token)
    citizen      citizen 1, who reported issue A and follows it
    other        citizen 2, who has nothing to do with issue A
    staff        a member of a programme of unit A (issue A's unit)
    other_staff  a member of a programme of unit B, in the same city
    manager      a manager of unit A
    dispatcher   the city's dispatcher (every unit of the city)
    admin        a superuser

An outcome is a status code, a tuple of acceptable codes, or a redirect: IN_CIT (to the
citizens' sign-in), IN_STF (to the staff sign-in), IN_ADM (to the admin's login) or REDIR
(anywhere else: the usual answer to a form that worked). Every request runs in a savepoint
that is rolled back, so each role meets the same world; a refused request (4xx, or a
redirect to a sign-in) must also leave every table as it was. URL parameters and data name
the objects of the world built by the test (W("issue_b") is issue B's id; parameters
default to issue A, unit A, programme A, activity A ...).

Besides the codes, every answer is searched for citizen 1's name, e-mail and phone and for
an internal staff note on issue A: they may appear only for the roles in CONTACT_READERS
(and citizen 1's contacts on citizen 1's own pages), whatever the URL; and for the original
of a description staff redacted, which only admins may read again."""

from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anonymous",
    "citizen",
    "other",
    "staff",
    "other_staff",
    "manager",
    "dispatcher",
    "admin",
)
CONTACT_READERS = frozenset({"staff", "manager", "dispatcher", "admin"})

IN_CIT = "→ citizens' sign-in"
IN_STF = "→ staff sign-in"
IN_CODE = "→ staff sign-in code"  # the second factor's step
IN_ADM = "→ admin login"
REDIR = "→ elsewhere"
HEALTHY = (200, 503)  # 503 when a part (the mail server, the workers) is down


@dataclass(frozen=True)
class W:
    """A value of the test's world, by name (an id, a token ...)."""

    name: str


@dataclass(frozen=True)
class Check:
    method: str
    expect: dict[str, Any]
    # URL parameters that do not take their default (parameter name -> world name).
    kwargs: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] | None = None
    # The JSON API: a JSON body and a bearer token instead of the browser session.
    api: bool = False
    # Texts (world names) that the listed roles must not be shown, and must be shown.
    hidden: dict[str, tuple[str, ...]] = field(default_factory=dict)
    shown: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A probe (see the test) whose value no role may change, even when allowed in.
    kept: str | None = None
    why: str = ""


def _check(method: str, outcomes: tuple, everyone: Any, options: dict) -> Check:
    if everyone is not None:
        outcomes = (everyone,) * len(ROLES)
    if len(outcomes) != len(ROLES):
        raise ValueError(f"{method}: give {len(ROLES)} outcomes, one per role, or everyone=")
    return Check(method, dict(zip(ROLES, outcomes, strict=True)), **options)


def get(*outcomes: Any, everyone: Any = None, **options: Any) -> Check:
    return _check("GET", outcomes, everyone, options)


def post(*outcomes: Any, everyone: Any = None, **options: Any) -> Check:
    return _check("POST", outcomes, everyone, options)


def put(*outcomes: Any, everyone: Any = None, **options: Any) -> Check:
    return _check("PUT", outcomes, everyone, options | {"api": True})


def patch(*outcomes: Any, everyone: Any = None, **options: Any) -> Check:
    return _check("PATCH", outcomes, everyone, options | {"api": True})


def delete(*outcomes: Any, everyone: Any = None, **options: Any) -> Check:
    return _check("DELETE", outcomes, everyone, options | {"api": True})


def api_get(*outcomes: Any, everyone: Any = None, **options: Any) -> Check:
    return _check("GET", outcomes, everyone, options | {"api": True})


def api_post(*outcomes: Any, everyone: Any = None, **options: Any) -> Check:
    return _check("POST", outcomes, everyone, options | {"api": True})


PUBLIC = [get(everyone=200), post(everyone=405)]
# Staff pages of unit A: its staff, its managers, the city's dispatcher and admins.
UNIT_A_PAGE = get(IN_STF, 403, 403, 200, 403, 200, 200, 200)
# Pages for anyone on the staff of a unit or the dispatch centre, each seeing their own.
ANY_STAFF_PAGE = get(IN_STF, 403, 403, 200, 200, 200, 200, 200)
# The API's staff operations on unit A's issues and activities.
API_UNIT_A = (401, 403, 403, 200, 403, 200, 200, 200)

# fmt: off
MATRIX: dict[str, list[Check]] = {
    # ------------------------------------------------------------------ citizens' pages
        #         anon     citizen  other    staff    o.staff  manager  dispatch admin
    "citizens:home": PUBLIC,
    "citizens:report": PUBLIC,
    "citizens:report-offline": PUBLIC,
    "citizens:report-sent": PUBLIC,
    "citizens:report-geocode": [get(everyone=200, query={"q": "Ward"}), post(everyone=405)],
    "citizens:report-place": PUBLIC,
    "citizens:report-details": [
        get(everyone=200),
        post(everyone=REDIR, data={
            "key": "matrix-report-key", "lat": "-26.2056", "lon": "28.0470",
            "q_extent": "street", "email": "someone@example.org", "description": "Dark",
        }, why="anyone may report, signed in or not"),
    ],
    "citizens:issue": PUBLIC,
    "citizens:issue-live": PUBLIC,
    "citizens:issue-push": [
        get(everyone=405),
        post(     400,     REDIR,   REDIR,   REDIR,   REDIR,   REDIR,   REDIR,   REDIR,
             why="the anonymous need a contact; the reporter is told they follow already"),
    ],
    "citizens:issue-feedback": [
        get(everyone=405),
        post(     400,     REDIR,   400,     400,     400,     400,     400,     400,
             kwargs={"issue_id": "issue_c"}, data={"fixed": "yes", "rating": "4"},
             why="only the reporter or a pusher of resolved issue C gives feedback"),
        post(     200,     REDIR,   400,     400,     400,     400,     400,     400,
             kwargs={"issue_id": "issue_c"}, kept="citizen_follows",
             data={"fixed": "no", "rating": "1", "email": W("citizen_email")},
             why="giving citizen 1's address from another browser only sends them a code"),
        post(     400,     REDIR,   400,     400,     400,     400,     400,     400,
             kwargs={"issue_id": "issue_c"},
             data={"fixed": "no", "rating": "1", "code": "123456"}, why="a guessed code"),
    ],
    "citizens:photo": [
        get(everyone=200),
        get(everyone=404, kwargs={"photo_id": "hidden_photo"}, why="hidden photos"),
        post(everyone=405),
    ],
    "citizens:account": [
        get(      IN_CIT,  200,     200,     200,     200,     200,     200,     200),
        post(     IN_CIT,  REDIR,   REDIR,   REDIR,   REDIR,   REDIR,   REDIR,   REDIR,
             data={"alert_channel": "none"}, why="one's own alert choice"),
    ],
    "citizens:sign-in": [
        get(everyone=200),
        post(everyone=REDIR, data={"email": W("citizen_email"), "password": W("password")},
             why="anyone knowing citizen 1's password is citizen 1"),
    ],
    "citizens:sign-in-link-request": [
        get(everyone=405), post(everyone=200, data={"email": W("citizen_email")}),
    ],
    "citizens:sign-in-link": [
        get(everyone=200, kwargs={"token": "sign_in_token"}, why="a GET only asks to confirm"),
        post(everyone=REDIR, kwargs={"token": "sign_in_token"}),
        post(everyone=400, kwargs={"token": "bad_token"}),
    ],
    "citizens:sign-up": [
        get(everyone=200),
        post(everyone=REDIR, data={"email": "new@example.org", "password": "Long enough 1!"}),
    ],
    "citizens:sign-out": [get(everyone=405), post(everyone=REDIR)],
    "citizens:account-delete": [
        get(      IN_CIT,  200,     200,     200,     200,     200,     200,     200),
        post(     IN_CIT,  REDIR,   REDIR,   400,     400,     400,     400,     400,
             data={"confirm": "on"}, why="staff accounts are not deleted here"),
    ],
    "citizens:account-data": [
        get(      IN_CIT,  200,     200,     200,     200,     200,     200,     200,
            why="POPIA: everything held about oneself, and nobody else"),
        post(     IN_CIT,  405,     405,     405,     405,     405,     405,     405),
    ],
    "citizens:my-issues": [
        get(      IN_CIT,  200,     200,     200,     200,     200,     200,     200,
            hidden={"issue_a_url": ("other", "staff", "other_staff", "manager",
                                    "dispatcher", "admin")},
            shown={"issue_a_url": ("citizen",)}, why="each sees only the issues they follow"),
    ],
    "citizens:my-issue-alerts": [
        get(      IN_CIT,  405,     405,     405,     405,     405,     405,     405),
        post(     IN_CIT,  REDIR,   404,     404,     404,     404,     404,     404,
             data={"channel": "none"}, why="only a follower of issue A chooses its alerts"),
    ],
    "citizens:manifest": PUBLIC,
    "citizens:service-worker": PUBLIC,
    "citizens:issues": PUBLIC,
    "citizens:map": PUBLIC,
    "citizens:map-data": [
        get(everyone=200, query={"bbox": "27.9,-26.3,28.2,-26.1"}), post(everyone=405),
    ],
    "citizens:areas": PUBLIC,
    "citizens:area": PUBLIC,
    "citizens:charter": PUBLIC,
    "citizens:charter-pdf": PUBLIC,
    "citizens:charter-csv": PUBLIC,
    "set_language": [get(everyone=REDIR), post(everyone=REDIR, data={"language": "af"})],
    "alerts:unsubscribe": [
        get(everyone=200, kwargs={"token": "unsubscribe_token"}, why="a GET only asks"),
        post(everyone=200, kwargs={"token": "unsubscribe_token"},
             why="the signed token is the authorisation (one-click unsubscribe)"),
        post(everyone=404, kwargs={"token": "bad_token"}),
    ],
    "assets:near": [
        get(everyone=200, query={"kind": "street_light", "lat": "-26.2056", "lon": "28.047"}),
        post(everyone=405),
    ],
    "assets:asset": PUBLIC,
    "opendata:dictionary": PUBLIC,
    "opendata:issues-csv": PUBLIC,
    "opendata:issues-geojson": PUBLIC,
    "reports:transparency": PUBLIC,
    "health": PUBLIC,
    "health-details": [
        get(      403,     403,     403,     HEALTHY, HEALTHY, HEALTHY, HEALTHY, HEALTHY),
        post(everyone=405),
    ],
    "live:issue-events": [
        get(everyone=200, query={"after": 0}, shown={"an_event": ROLES}),
        post(everyone=405),
    ],
        #         anon     citizen  other    staff    o.staff  manager  dispatch admin
    "live:unit-events": [
        get(      403,     403,     403,     200,     403,     200,     200,     200,
            query={"after": 0}, shown={"internal_note": ("staff", "dispatcher")}),
        get(      403,     403,     403,     403,     200,     403,     200,     200,
            kwargs={"unit_id": "unit_b"}, query={"after": 0}),
    ],
    "phonelines:ussd": [
        get(everyone=405, kwargs={"token": "phone_token"}),
        post(everyone=404, kwargs={"token": "bad_token"}, data={"sessionId": "1"},
             why="a wrong token: the callback does not exist"),
        post(everyone=400, kwargs={"token": "phone_token"}, why="a malformed callback"),
    ],
    "phonelines:sms": [
        get(everyone=405, kwargs={"token": "phone_token"}),
        post(everyone=404, kwargs={"token": "bad_token"}, data={"from": "+27825550100"}),
        post(everyone=400, kwargs={"token": "phone_token"}),
    ],
    # ------------------------------------------------------------------ staff pages
        #         anon     citizen  other    staff    o.staff  manager  dispatch admin
    "backoffice:home": [
        get(      IN_STF,  403,     403,     200,     200,     200,     200,     200,
            hidden={"unit_a_name": ("other_staff",)}, shown={"unit_a_name": ("staff",)}),
        post(everyone=405),
    ],
    "backoffice:sign-in": [
        get(      200,     REDIR,   REDIR,   REDIR,   REDIR,   REDIR,   REDIR,   REDIR),
    ],
    "backoffice:sign-out": [get(everyone=405), post(everyone=IN_STF)],
    "backoffice:sign-in-code": [
        get(      IN_STF,  REDIR,   REDIR,   REDIR,   REDIR,   REDIR,   REDIR,   REDIR,
            why="nobody half-way signed in; nobody here has an authenticator"),
    ],
    "backoffice:two-factor": [
        get(      IN_STF,  403,     403,     200,     200,     200,     200,     200),
        post(     IN_STF,  403,     403,     REDIR,   REDIR,   REDIR,   REDIR,   REDIR,
             data={"action": "new-codes"}, why="one's own codes (none here: no device yet)"),
    ],
    "backoffice:unit-inbox": [
        UNIT_A_PAGE,
        get(      IN_STF,  403,     403,     403,     200,     403,     200,     200,
            kwargs={"unit_id": "unit_b"}),
    ],
    "backoffice:inbox-map-data": [
        UNIT_A_PAGE,
        get(      IN_STF,  403,     403,     403,     403,     403,     403,     403,
            query={"programme": W("programme_b")}, why="unit B's programme in unit A's map"),
    ],
    "backoffice:bulk-action": [
        get(everyone=405),
        post(     IN_STF,  403,     403,     REDIR,   403,     REDIR,   REDIR,   REDIR,
             data={"action": "acknowledge", "ids": W("issue_a")}),
        post(     IN_STF,  403,     403,     403,     403,     403,     403,     403,
             kwargs={"unit_id": "unit_b"}, data={"action": "acknowledge", "ids": W("issue_a")},
             why="unit B's inbox cannot act on unit A's issue"),
    ],
    "backoffice:activity-search": [UNIT_A_PAGE],
    "backoffice:rules": [
        get(      IN_STF,  403,     403,     403,     403,     200,     403,     200,
            why="a unit's escalation rules are its managers'"),
        post(     IN_STF,  403,     403,     403,     403,     REDIR,   403,     REDIR,
             data={"clock": "resolution", "after": "2:00:00", "recipient": "managers"}),
    ],
    "backoffice:rule": [
        get(      IN_STF,  403,     403,     403,     403,     200,     403,     200),
        get(      IN_STF,  403,     403,     403,     403,     404,     403,     404,
            kwargs={"rule_id": "rule_b"}, why="unit B's rule through unit A's address"),
        post(     IN_STF,  403,     403,     403,     403,     REDIR,   403,     REDIR,
             data={"action": "delete"}),
    ],
    "backoffice:programme-inbox": [
        UNIT_A_PAGE,
        get(      IN_STF,  403,     403,     403,     200,     403,     200,     200,
            kwargs={"programme_id": "programme_b"}),
    ],
    "backoffice:issue": [
        UNIT_A_PAGE,
        post(     IN_STF,  403,     403,     REDIR,   403,     REDIR,   REDIR,   REDIR,
             data={"action": "reject", "reject-reason": "Not ours"}),
        get(      IN_STF,  403,     403,     403,     200,     403,     200,     200,
            kwargs={"issue_id": "issue_b"}),
    ],
    "backoffice:issue-contacts": [
        get(everyone=405),
        post(     IN_STF,  403,     403,     200,     403,     200,     200,     200,
             shown={"citizen_email": ("staff", "dispatcher")},
             why="contacts for the issue's unit and dispatchers, on request (and logged)"),
    ],
    "moderation:issue": [
        UNIT_A_PAGE,
        post(     IN_STF,  403,     403,     REDIR,   403,     REDIR,   REDIR,   REDIR,
             data={"action": "description", "reason": "Abusive", "replacement": ""}),
    ],
    "moderation:photo": [
        UNIT_A_PAGE,
        get(      IN_STF,  403,     403,     200,     403,     200,     200,     200,
            kwargs={"photo_id": "hidden_photo"}, why="staff see hidden photos too"),
        post(everyone=405),
    ],
    "backoffice:merge": [
        UNIT_A_PAGE,
        post(     IN_STF,  403,     403,     REDIR,   403,     REDIR,   REDIR,   REDIR,
             data={"into": W("issue_a2")}),
        post(     IN_STF,  403,     403,     403,     403,     403,     REDIR,   REDIR,
             data={"into": W("issue_b")}, why="both issues must be the user's"),
    ],
    "backoffice:activities": [
        get(      IN_STF,  403,     403,     200,     200,     200,     200,     200,
            hidden={"activity_a_title": ("other_staff",)},
            shown={"activity_a_title": ("staff", "dispatcher")}),
    ],
    "backoffice:activity-new": [
        get(      IN_STF,  403,     403,     200,     200,     200,     200,     200,
            hidden={"programme_a_name": ("other_staff",)},
            shown={"programme_a_name": ("staff",)}),
        post(     IN_STF,  403,     403,     REDIR,   400,     REDIR,   REDIR,   REDIR,
             data={"programme": W("programme_id"), "title": "Night shift"},
             why="unit A's programme is not a choice for unit B's staff"),
    ],
    "backoffice:activity": [
        UNIT_A_PAGE,
        post(     IN_STF,  403,     403,     REDIR,   403,     REDIR,   REDIR,   REDIR,
             data={"action": "update", "status": "in_progress", "progress": "50"}),
    ],
    "backoffice:activity-edit": [
        UNIT_A_PAGE,
        post(     IN_STF,  403,     403,     REDIR,   403,     REDIR,   REDIR,   REDIR,
             data={"title": "Renamed"}),
    ],
    "backoffice:activity-map-data": [UNIT_A_PAGE],
    "backoffice:dispatch": [
        get(      IN_STF,  403,     403,     403,     403,     403,     200,     200,
            why="the dispatch centre is for dispatchers"),
    ],
    "backoffice:route-selection": [
        get(everyone=405),
        post(     IN_STF,  403,     403,     403,     403,     403,     REDIR,   REDIR,
             data={"ids": W("issue_a"), "unit": W("unit_b")}),
    ],
    # ------------------------------------------------------------------ reports
    "reports:sla": [
        get(      IN_STF,  403,     403,     200,     200,     200,     200,     200,
            query={"group_by": "unit"}, hidden={"unit_a_name": ("other_staff",)},
            shown={"unit_a_name": ("staff",)}),
    ],
    "reports:sla-csv": [
        get(      IN_STF,  403,     403,     200,     200,     200,     200,     200,
            query={"group_by": "unit"}, hidden={"unit_a_name": ("other_staff",)},
            shown={"unit_a_name": ("staff",)}),
    ],
    "assets-staff:repeat-faults": [ANY_STAFF_PAGE],
    "assets-staff:repeat-faults-csv": [ANY_STAFF_PAGE],
    # ------------------------------------------------------------------ JSON API
        #         anon     citizen  other    staff    o.staff  manager  dispatch admin
    "api:openapi-json": [api_get(everyone=200)],
    "api:openapi-view": [api_get(everyone=200)],
    "api:api-root": [api_get(everyone=404)],
    "api:report": [
        api_post( 401,     201,     201,     201,     201,     201,     201,     201,
                 data={"service_code": "power-outage", "lat": -26.2056, "lon": 28.047,
                       "answers": {"extent": "street"}},
                 why="anyone signed in reports as a citizen"),
    ],
    "api:list_issues": [
        api_get(  401,     403,     403,     200,     200,     200,     200,     200,
                hidden={"issue_a_text": ("other_staff",)}, shown={"issue_a_text": ("staff",)}),
    ],
    "api:my_issues": [
        api_get(  401,     200,     200,     200,     200,     200,     200,     200,
                hidden={"issue_a_url": ("other", "staff", "other_staff", "manager",
                                        "dispatcher", "admin")},
                shown={"issue_a_url": ("citizen",)}),
    ],
    "api:my_data": [api_get(401, 200, 200, 200, 200, 200, 200, 200)],
    "api:issue_contacts": [
        api_get(  401,     403,     403,     200,     403,     200,     200,     200,
                shown={"citizen_email": ("staff", "dispatcher")},
                why="contacts for the issue's unit and dispatchers (and logged)"),
    ],
    "api:moderate": [
        api_post( 401,     403,     403,     201,     403,     201,     201,     201,
                 data={"target": "description", "reason": "Abusive", "replacement": ""},
                 why="staff of the issue's unit and dispatchers redact it"),
    ],
    "api:push_issue": [
        api_post( 401,     400,     200,     200,     200,     200,     200,     200,
                 why="the reporter follows already"),
    ],
    "api:unpush_issue": [delete(401, 200, 200, 200, 200, 200, 200, 200, kept="citizen_follows")],
    "api:follow_issue": [
        api_post( 401,     200,     200,     200,     200,     200,     200,     200,
                 kept="citizen_follows"),
    ],
    "api:unfollow_issue": [
        delete(   401,     200,     200,     200,     200,     200,     200,     200,
               kept=None, why="each caller unfollows only for themselves"),
        delete(   401,     200,     200,     200,     200,     200,     200,     200,
               kwargs={"issue_id": "issue_b"}, kept="citizen_follows"),
    ],
    "api:issue_alerts": [
        put(      401,     200,     200,     200,     200,     200,     200,     200,
            data={"channel": "none"}, kwargs={"issue_id": "issue_b"}, kept="citizen_follows"),
    ],
    "api:feedback": [
        api_post( 401,     201,     400,     400,     400,     400,     400,     400,
                 kwargs={"issue_id": "issue_c"}, data={"rating": 4, "fixed": True},
                 why="only the reporter or a pusher of resolved issue C gives feedback"),
    ],
    "api:timeline": [api_get(everyone=200)],
    "api:list_units": [
        api_get(  401,     403,     403,     200,     200,     200,     200,     200,
                hidden={"unit_a_name": ("other_staff",)}, shown={"unit_a_name": ("staff",)}),
    ],
    "api:list_programmes": [
        api_get(  401,     403,     403,     200,     200,     200,     200,     200,
                hidden={"unit_a_name": ("other_staff",)}, shown={"unit_a_name": ("staff",)}),
    ],
    "api:acknowledge_issue": [api_post(*API_UNIT_A, data={})],
    "api:reroute_issue": [api_post(*API_UNIT_A, data={"unit": W("unit_b")})],
    "api:reject_issue": [api_post(*API_UNIT_A, data={"reason": "Not actionable"})],
    "api:merge_issue": [
        api_post(*API_UNIT_A, data={"into": W("issue_a2")}),
        api_post( 401,     403,     403,     403,     403,     403,     200,     200,
                 data={"into": W("issue_b")}, why="both issues must be the caller's"),
    ],
    "api:new_activity": [
        api_post( 401,     403,     403,     201,     403,     201,     201,     201,
                 data={"programme": W("programme_id"), "title": "Night shift",
                       "issue_ids": [W("issue_a")]}),
        api_post( 401,     403,     403,     403,     403,     403,     400,     400,
                 data={"programme": W("programme_b"), "title": "Night shift",
                       "issue_ids": [W("issue_a")]},
                 why="unit B's activity cannot take unit A's issue"),
    ],
    "api:change_activity": [patch(*API_UNIT_A, data={"progress": 50})],
    "api:link_activity_issues": [api_post(*API_UNIT_A, data={"issue_ids": [W("issue_a")]})],
    "api:unlink_activity_issues": [delete(*API_UNIT_A, data={"issue_ids": [W("issue_a2")]})],
    "api:sla": [api_get(401, 403, 403, 200, 200, 200, 200, 200)],
    # ------------------------------------------------------------------ Open311
    # Open311 knows no users: the same for every role; posting needs a client's api_key.
    "open311:discovery": [get(everyone=200), post(everyone=405)],
    "open311:services": [get(everyone=200), post(everyone=405)],
    "open311:service": [get(everyone=200), post(everyone=405)],
    "open311:requests": [
        get(everyone=200),
        post(everyone=403, data={"service_code": "power-outage", "lat": "-26.2056",
                                 "long": "28.047", "attribute[extent]": "street"},
             why="no api_key"),
        post(everyone=400, data={"api_key": W("open311_key")}, why="a key, but no service"),
    ],
    "open311:request": [get(everyone=200), post(everyone=405)],
    "open311:token": [get(everyone=200, kwargs={"token": "open311_token"})],
    "open311:updates": [
        get(everyone=200),
        post(everyone=403, data={"service_request_id": W("issue_a"), "status": "closed"},
             why="no api_key"),
        post(everyone=403, data={"api_key": W("open311_key"), "service_request_id": W("issue_a"),
                                 "status": "closed"},
             why="a client's key, but not an outside provider's"),
    ],
    "civicdesk.open311.views.not_found": [get(everyone=404), post(everyone=404)],
    # ------------------------------------------------------------------ the admin
    # One entry for all the admin's URLs: see ADMIN_CHECKS.
    "admin:*": [],
}

# Representative admin pages (path: outcomes). Unit staff and dispatchers are `is_staff` (as
# in the demo) without model permissions: they get the admin's empty index and 403s.
ADMIN_CHECKS: dict[str, Check] = {
    "/admin/":
        get(      IN_ADM,  IN_ADM,  IN_ADM,  200,     200,     200,     200,     200),
    "/admin/issues/issue/":
        get(      IN_ADM,  IN_ADM,  IN_ADM,  403,     403,     403,     403,     200),
    "/admin/accounts/citizen/":
        get(      IN_ADM,  IN_ADM,  IN_ADM,  403,     403,     403,     403,     200),
    "/admin/moderation/moderation/":
        get(      IN_ADM,  IN_ADM,  IN_ADM,  403,     403,     403,     403,     200),
    "/admin/backoffice/contactview/":
        get(      IN_ADM,  IN_ADM,  IN_ADM,  403,     403,     403,     403,     200),
    "/admin/otp_totp/totpdevice/":
        get(      IN_ADM,  IN_ADM,  IN_ADM,  403,     403,     403,     403,     200),
    "/admin/accounts/user/add/":
        post(     IN_ADM,  IN_ADM,  IN_ADM,  403,     403,     403,     403,     200,
             data={"username": "intruder"}),
}
# fmt: on
