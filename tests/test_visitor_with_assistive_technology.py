"""Pages checked with axe-core in real Chromium, at phone and desktop widths."""

import pytest

from publications.seed import load_seed_content
from tests.accessibility import assert_axe_clean

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.presentation]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    "path", ["/", "/publication/international-ai-safety-report-2025/", "/no-such-page/"]
)
def test_axe_finds_no_accessibility_violations(live_server, page, path, width):
    load_seed_content()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + path)
    assert_axe_clean(page)
