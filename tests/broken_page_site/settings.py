"""The production settings, with the URLconf that adds the broken page."""

from reportsite.settings import *  # noqa: F403

ROOT_URLCONF = "tests.broken_page_site.urls"
