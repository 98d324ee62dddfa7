"""axe-core finds nothing on any admin page, in real Chromium, for every role: every
changelist, add, change and history page and the extra pages each role may open (the walk of
tests/test_staff_walk_every_admin_page.py), the page a role may not open, and the login page.
"""

import pytest

from tests.accessibility import assert_axe_clean, axe_violations
from tests.conftest import signed_in_page
from tests.test_staff_walk_every_admin_page import (
    EXPECTED,
    admin_pages,
    expected_status,
    seeded,  # noqa: F401 (a fixture)
    user_for,
)

pytestmark = pytest.mark.presentation


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.slow
def test_every_admin_page_a_role_opens_has_no_axe_violation(
    seeded, django_user_model, browser, live_server, role  # noqa: F811
):
    page = signed_in_page(browser, live_server, user_for(role, django_user_model))
    found, opened, refused = {}, 0, None
    for key, kind, url in [(None, None, "/admin/"), *admin_pages()]:
        status = 200 if key is None else expected_status(role, key, kind)
        if status == 403:
            refused = refused or url
            continue
        response = page.goto(live_server.url + url)  # a 302 (the site texts) is followed
        assert response.status == 200, url
        opened += 1
        if violations := axe_violations(page):
            found[page.url.removeprefix(live_server.url)] = violations
    if refused:  # the styled page of a refusal is an admin page too
        assert page.goto(live_server.url + refused).status == 403
        if violations := axe_violations(page):
            found[refused] = violations
    assert opened > 10
    assert not found, "\n".join(f"{url}: {violations}" for url, violations in found.items())
    page.context.close()


def test_the_login_page_has_no_axe_violation(page, live_server):
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    assert page.get_by_label("Password").is_visible()
    assert_axe_clean(page)
