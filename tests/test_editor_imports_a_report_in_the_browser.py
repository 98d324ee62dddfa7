"""An editor uploads a Word source in the admin, follows the import's progress, fixes a
missing alt text from the checks' link and publishes: every admin page on the way is
axe-clean, and visitors see nothing until Publish."""

import pytest
from playwright.sync_api import expect

from editions.models import EditionImport
from editions.tasks import run_import
from publications.seed import load_seed_content
from tests.accessibility import assert_axe_clean
from tests.editions_helpers import convert, sample

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed")]
SLUG = "international-ai-safety-report-2025"


@pytest.mark.slow
def test_upload_progress_fix_and_publish(live_server, page, editor, tmp_path):
    load_seed_content()
    path, counts = sample(tmp_path, chapters=2, sections=2, figures=1, tables=1)
    # The figure's description is empty: pandoc writes it to Word without alt text.
    path.write_text(path.read_text().replace("![Bar chart 1: compute used for training grew each year]", "![]"))
    source = convert(path, ".docx")

    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/admin/editions/editionimport/add/")
    assert_axe_clean(page)
    page.get_by_label("Publication").select_option(label="International AI Safety Report 2025")
    page.get_by_label("Source file").set_input_files(str(source))
    page.get_by_role("button", name="Save", exact=True).click()
    job = EditionImport.objects.get()
    assert job.status == EditionImport.Status.QUEUED

    page.goto(live_server.url + f"/admin/editions/editionimport/{job.pk}/change/")
    expect(page.locator("progress")).to_have_attribute("value", "0")
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    progress = page.request.get(live_server.url + f"/admin/editions/editionimport/{job.pk}/progress.json").json()
    assert progress["status"] == "queued"

    run_import(job.pk)  # what the worker does
    page.reload()
    expect(page.locator("progress")).to_have_attribute("value", "100")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert_axe_clean(page)  # (while it runs, the page reloads itself every 3 s: the same markup)
    page.get_by_role("link", name="version 1").click()
    assert_axe_clean(page)
    assert page.get_by_role("button", name="Publish", exact=True).is_disabled()
    expect(page.locator("#draft-publish-blockers")).to_contain_text("has no alt text")
    assert page.request.get(live_server.url + f"/publication/{SLUG}/read/").status == 404

    draft = page.url
    page.get_by_role("link", name="Fix it").first.click()
    page.get_by_label("Alt text").fill("Eight bars rising from left to right")
    page.get_by_role("button", name="Save", exact=True).click()
    # Wait for the saved page before leaving it: going back while the form's answer is
    # still arriving raced the navigation ("Not attached to an active page").
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(draft)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Published. Status: Published, the version visitors read")
    assert_axe_clean(page)

    visitor = page.context.browser.new_context().new_page()
    response = visitor.goto(live_server.url + f"/publication/{SLUG}/read/chapter-1/")
    assert response.status == 200
    assert visitor.locator("figure.reader-figure img").first.get_attribute("alt") == "Eight bars rising from left to right"
