"""Shared fixtures: real images made with Pillow, publications, editors, and real Chromium."""

import collections
import datetime
import io
import os
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.browsers import CHROMIUM, CHROMIUM_ARGS

# pytest-django's live_server with Playwright's sync API (tests only, never in settings).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def redis_databases_of_this_worker(settings):
    """Under pytest-xdist (make test runs two worker processes), each worker gets Redis
    databases of its own: worker n keeps pages in database 2n and counters in 2n + 1. Every
    test empties its cache (fresh_page_cache), which must never empty another worker's in
    the middle of its test. The servers a test starts inherit CACHE_URL, so they follow."""
    from django.test.signals import setting_changed

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("CACHE_URL", "")
    if not worker or not url.startswith(("redis://", "rediss://")):
        return
    pages = 2 * int(worker.removeprefix("gw"))
    address = urlsplit(url)
    os.environ["CACHE_URL"] = address._replace(path=f"/{pages}").geturl()
    os.environ["COUNTER_CACHE_URL"] = address._replace(path=f"/{pages + 1}").geturl()
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": os.environ["CACHE_URL"]},
        "counters": {**settings.CACHES["counters"], "LOCATION": os.environ["COUNTER_CACHE_URL"]},
    }
    setting_changed.send(sender=None, setting="CACHES", value=settings.CACHES, enter=True)


def pytest_xdist_auto_num_workers(config):
    """`make test` runs `-n auto`: three worker processes (most tests wait on Chromium or on
    servers they start, so three keep a 2-core machine busy: the suite took 795 s with two,
    648 s with three), but one process alone for the several-servers tests
    (-m several_servers), each of which starts a whole topology and measures it under load."""
    selected = config.option.markexpr or ""
    if "several_servers" in selected and "not several_servers" not in selected:
        return 0
    return 3


def pytest_collection_modifyitems(config, items):
    """Files with tests marked `slow` (tens of seconds each) run first, the file with the
    most of them first: with each file whole on one worker (`--dist loadfile`, in collection
    order: `--no-loadscope-reorder`), a long file that comes last keeps its worker busy
    after the others have finished (stage 2 of CI ended on a two-minute file)."""
    slow = collections.Counter(item.path for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[item.path])  # stable: a file's tests stay together


def pytest_configure(config):
    from django.conf import settings

    if not hasattr(config, "workerinput"):
        # The run's controller: its workers (started later, with its environment) share
        # the sites they prepare (deploy.processes.TemporarySite.prepare): each kind is
        # migrated and seeded once per run, not once per worker.
        import tempfile

        from deploy.processes import SHARED_PREPARED_SITES

        config.prepared_sites = tempfile.mkdtemp(prefix="reportsite-prepared-run-")
        os.environ[SHARED_PREPARED_SITES] = config.prepared_sites

    redis_databases_of_this_worker(settings)
    # The site's SQLite backend is Django's under another name (reportsite.private_sqlite3),
    # which pytest-django does not recognise: under xdist it would name each worker's test
    # database after the file's path. Say what Django's own backend does: in memory, one
    # per worker process.
    for database in settings.DATABASES.values():
        test = database.setdefault("TEST", {})
        if database["ENGINE"] == "reportsite.private_sqlite3" and not test.get("NAME"):
            test["NAME"] = ":memory:"

    # Hashing every test user's password with PBKDF2's many rounds costs seconds per file;
    # the tests need working logins, not slow hashes (production keeps Django's default).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run without collectstatic; the manifest storage is exercised by the deploy checks.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fresh_page_cache(settings, tmp_path_factory):
    """Each test starts with an empty cache of its own, and its database is new content: the
    content generation moves, so nothing a process remembers from another test is used."""
    from django.core.cache import caches

    from reportsite.pagecache import forget_stored_generation, move_cached_generation

    # Beside the test's tmp_path, which some tests expect to find as they left it.
    settings.PAGE_CACHE_STAMP_FILE = tmp_path_factory.mktemp("page-cache") / "content-changed"
    # With Redis, each process reads the database's generation once a second; a test's own
    # process moves it itself, and a cached page's cost must not depend on the clock.
    settings.PAGE_CACHE_GENERATION_CHECK = 3600
    forget_stored_generation()
    for cache in caches.all():
        cache.clear()
    move_cached_generation()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in English: a request to /fr/ leaves French active in its thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Kept uploads too: never in the project's own var/ folder.
    settings.PENDING_UPLOADS_DIR = tmp_path / "pending-uploads"
    # The private store of drafts' files (editorial.files), outside MEDIA_ROOT.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is missing: install Debian's chromium (apt-get install chromium) "
            "or run `make test`, which installs it.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


def image_bytes(width=400, height=566, image_format="PNG", colour=(11, 37, 69)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, image_format)
    return buffer.getvalue()


# Translated fields (publications.translation, consent.translation) are edited in the admin
# one column per language: a form posts the English text as `title_en`.
TRANSLATED_FIELDS = {
    "title", "summary", "body", "cover_alt", "name", "description", "logo_alt",
    "hero_title", "hero_lead", "about_heading", "about_text", "text",
}


def in_english_columns(data):
    """Admin form data with translated fields named by their English column."""
    return {f"{key}_en" if key in TRANSLATED_FIELDS else key: value for key, value in data.items()}


def save_and_commit(instance):
    """Save as if the test's transaction then committed: renditions are made after the
    commit (publications.renditions), which a test's rolled-back transaction never does."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        instance.save()
    return instance


@pytest.fixture
def make_upload():
    """An uploaded file as the admin receives it: a real image unless told otherwise."""

    def make(name="cover.png", content=None, content_type="image/png", **image):
        if content is None:
            content = image_bytes(**image)
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make


@pytest.fixture
def make_publication(db, make_upload):
    from publications.models import Publication

    counter = iter(range(1, 100_000))

    def make(**fields):
        number = next(counter)
        defaults = {
            "title": f"Publication {number}",
            "slug": f"publication-{number}",
            "kind": Publication.Kind.KEY_UPDATE,
            "publication_date": datetime.date(2025, 1, 1) + datetime.timedelta(days=number),
            "summary": f"Summary of publication {number}.",
            "cover_alt": f"Front cover of publication {number}",
            "status": Publication.Status.PUBLISHED,
            "publish_at": timezone.now() - datetime.timedelta(hours=1),
        }
        defaults.update(fields)
        publication = Publication(**defaults)
        if not publication.cover:
            publication.cover = make_upload(f"cover-{number}.png")
        save_and_commit(publication)
        return publication

    return make


@pytest.fixture
def make_partner(db, make_upload):
    from publications.models import PartnerOrganisation

    def make(**fields):
        defaults = {
            "name": "Partner",
            "website": "https://partner.example/",
            "logo_alt": "Partner logo",
        }
        defaults.update(fields)
        partner = PartnerOrganisation(**defaults)
        partner.logo = make_upload("logo.png", width=300, height=100)
        save_and_commit(partner)
        return partner

    return make


# Shared test values, one home: the staff password every test user logs in with, the
# headers of a request from the site's own pages (the consent endpoint refuses others), and
# the analytics script of a site that has one configured.
STAFF_PASSWORD = "correct horse battery staple"
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
ANALYTICS_URL = "https://stats.example.org/script.js"


@pytest.fixture
def analytics(settings):
    """A site with analytics configured, CSP included (as settings.py allows its origin)."""
    import copy

    settings.ANALYTICS_SCRIPT_URL = ANALYTICS_URL
    settings.ANALYTICS_SITE_ID = "7"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["script-src"].append("https://stats.example.org")
    settings.CONTENT_SECURITY_POLICY = policy


def staff_member(django_user_model, username, group):
    user = django_user_model.objects.create_user(
        username=username, password=STAFF_PASSWORD, is_staff=True
    )
    user.groups.add(group)
    return user


def logged_in(client, user):
    """The client after `user` logged in through the admin's login form."""
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.username, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302, f"{user.username} could not log in"
    return client


def signed_in_page(browser, live_server, user, width=1280, height=900):
    """A Chromium page of a new context in which `user` is signed in (session cookie)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    return context.new_page()


def force_font(page, font, selector="body, body *"):
    """Show the elements `selector` finds in `font` (as a machine with only that font would);
    through the CSSOM, which the Content-Security-Policy allows."""
    page.evaluate(
        "([font, selector]) => { for (const e of document.querySelectorAll(selector))"
        " e.style.setProperty('font-family', font, 'important'); }",
        [font, selector],
    )


# The two font families Debian's chromium brings: DejaVu Sans is among the widest.
FONTS_OF_A_BARE_MACHINE = ['"DejaVu Sans"', '"Liberation Sans"']


@pytest.fixture
def editor(db, django_user_model):
    from publications.editors import sync_editors_group

    return staff_member(django_user_model, "editor", sync_editors_group())


@pytest.fixture
def editor_client(client, editor):
    return logged_in(client, editor)


@pytest.fixture
def privacy_officer(db, django_user_model):
    """A staff member in the "Privacy officers" group (synced as after a migrate)."""
    from consent.privacy_officers import sync_privacy_officers_group

    return staff_member(django_user_model, "officer", sync_privacy_officers_group())


@pytest.fixture
def privacy_officer_client(client, privacy_officer):
    return logged_in(client, privacy_officer)


# Consent (issue 3): purposes and the first policy version, as the data migration loads
# them; transactional tests flush the database, so tests that need them ask for them.
@pytest.fixture
def consent_seed(db):
    from consent.seed import load_consent_seed

    load_consent_seed()


def pytest_unconfigure(config):
    import shutil

    if getattr(config, "prepared_sites", None):
        shutil.rmtree(config.prepared_sites, ignore_errors=True)
