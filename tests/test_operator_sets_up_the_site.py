"""An operator loads the seed content and configures the site from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from publications.models import PartnerOrganisation, Publication, SiteContent
from publications.seed import load_seed_content

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_operator_runs_the_seed_command_twice_and_nothing_changes(media_root):
    from io import StringIO

    from django.core.management import call_command

    first = StringIO()
    call_command("load_seed_content", stdout=first)
    assert "Seed content loaded (6 items)" in first.getvalue()
    snapshot = (
        list(Publication.objects.values_list("slug", "cover", "updated_at")),
        list(PartnerOrganisation.objects.values_list("name", "logo")),
    )
    files = sorted(media_root.rglob("*"))

    second = StringIO()
    call_command("load_seed_content", stdout=second)
    assert second.getvalue().strip() == "Seed content already present: nothing changed."
    assert snapshot == (
        list(Publication.objects.values_list("slug", "cover", "updated_at")),
        list(PartnerOrganisation.objects.values_list("name", "logo")),
    )
    assert files == sorted(media_root.rglob("*"))
    assert Publication.objects.published().count() == 3
    assert list(Publication.objects.published().values_list("slug", flat=True)) == [
        "second-key-update-technical-safeguards-and-risk-management",
        "first-key-update-capabilities-and-risk-implications",
        "international-ai-safety-report-2025",
    ]


@pytest.mark.django_db
def test_seed_command_never_overwrites_an_editors_edits():
    load_seed_content()
    Publication.objects.filter(slug="international-ai-safety-report-2025").update(title="Edited")
    SiteContent.objects.update(hero_title="Edited hero")
    PartnerOrganisation.objects.filter(name__startswith="Mila").update(website="https://edited.example/")
    assert load_seed_content() == []
    assert Publication.objects.get(slug="international-ai-safety-report-2025").title == "Edited"
    assert SiteContent.load().hero_title == "Edited hero"
    assert PartnerOrganisation.objects.get(name__startswith="Mila").website == "https://edited.example/"


def _start_django(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_start_without_secret_key_stops_with_one_clear_sentence(tmp_path):
    result = _start_django(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set: set SECRET_KEY "
        "in the environment or in .env (or set DEBUG=true for local development)."
    )


def test_system_check_is_clean_with_a_secret_key():
    result = _start_django(DEBUG="false", SECRET_KEY="a-test-key-" + "x" * 50)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
