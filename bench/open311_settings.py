"""Settings of the Open311 load benchmark: the product's, with the URLs of
bench/open311_urls.py (the product's plus two bare views) and without debug."""

from civicdesk.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.open311_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False}
