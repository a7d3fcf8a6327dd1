"""Production settings (DEBUG off): `check --deploy` is clean, and a page served under them
carries HSTS, the CSP, nosniff, frame and referrer headers, and secure, HttpOnly, SameSite
cookies; plain HTTP is redirected to HTTPS except the load balancer's health probe.
Passwords are hashed with Argon2, and older hashes are upgraded at sign-in."""

import importlib.util
import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.contrib.auth.hashers import make_password

from civicdesk.accounts.models import User

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_FILE = BASE_DIR / "civicdesk" / "settings.py"
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "civicdesk.example.org,testserver",
}
# What the production branch of settings.py decides about requests, headers and cookies.
SECURITY_SETTINGS = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]


def production_settings(monkeypatch, **env: str) -> ModuleType:
    """settings.py evaluated afresh with the production environment (plus `env`)."""
    for name, value in (PRODUCTION_ENV | env).items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("production_settings", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def production(settings, monkeypatch):
    module = production_settings(monkeypatch)
    for name in SECURITY_SETTINGS:
        setattr(settings, name, getattr(module, name))
    return module


@pytest.mark.slow
def test_check_deploy_passes_clean():
    # Not the test run's own: the browser fixture allows async-unsafe calls in-process.
    left_out = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env | PRODUCTION_ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_still_warns_about_what_it_checks(monkeypatch):
    """The silenced HSTS checks are silenced only while their choice is off."""
    chosen = production_settings(
        monkeypatch, SECURE_HSTS_PRELOAD="1", SECURE_HSTS_INCLUDE_SUBDOMAINS="1"
    )
    assert chosen.SILENCED_SYSTEM_CHECKS == []
    default = production_settings(monkeypatch, SECURE_HSTS_PRELOAD="0")
    assert default.SILENCED_SYSTEM_CHECKS == ["security.W021"]


def test_production_defaults(monkeypatch):
    module = production_settings(monkeypatch)
    assert module.SECURE_HSTS_SECONDS == 365 * 24 * 3600
    assert module.SECURE_HSTS_INCLUDE_SUBDOMAINS and not module.SECURE_HSTS_PRELOAD
    assert module.SECURE_SSL_REDIRECT
    assert module.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert module.STAFF_REQUIRE_TWO_FACTOR
    configured = production_settings(
        monkeypatch,
        SECURE_SSL_REDIRECT="0",
        SECURE_PROXY_SSL_HEADER="",
        SECURE_HSTS_SECONDS="600",
        STAFF_REQUIRE_TWO_FACTOR="0",
    )
    assert not configured.SECURE_SSL_REDIRECT
    assert not hasattr(configured, "SECURE_PROXY_SSL_HEADER")
    assert configured.SECURE_HSTS_SECONDS == 600
    assert not configured.STAFF_REQUIRE_TWO_FACTOR


def test_a_page_under_production_settings_has_the_headers(client, production, db):
    response = client.get("/staff/sign-in/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_the_session_cookie_is_secure_httponly_and_lax(client, production, staff):
    response = client.post(
        "/staff/sign-in/",
        {"username": "thandi", "password": "x"},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_plain_http_is_redirected_except_the_health_probe(client, production, db):
    response = client.get("/charter/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/charter/"
    assert client.get("/health/").status_code == 200


def test_new_passwords_are_hashed_with_argon2(settings, db):
    settings.PASSWORD_HASHERS = production_settings_hashers()
    user = User.objects.create_user("new-staff", password="a long pass phrase")
    assert user.password.startswith("argon2")
    assert user.check_password("a long pass phrase")


def test_older_hashes_are_upgraded_to_argon2_at_sign_in(client, settings, staff):
    settings.PASSWORD_HASHERS = production_settings_hashers()
    User.objects.filter(pk=staff.pk).update(password=make_password("x", hasher="pbkdf2_sha256"))
    response = client.post("/staff/sign-in/", {"username": "thandi", "password": "x"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.password.startswith("argon2")


def production_settings_hashers() -> list[str]:
    """The project's hashers (the tests' fixture swaps in a fast one for everything else)."""
    from civicdesk import settings as project_settings

    return project_settings.PASSWORD_HASHERS
