"""In real Chromium, two editors open the same publication; the first saves; the second's
save does not silently wipe the first's work: a conflict page names the first editor, shows
both versions, and keeps both (the first's is saved, the second's still in the form)."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from publications.models import Publication
from tests.accessibility import assert_axe_clean
from tests.test_editor_publishes_a_draft_in_the_browser import contexts, log_in  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_editor(editor, django_user_model):
    user = django_user_model.objects.create_user(
        "colleague", password="correct horse battery staple", is_staff=True
    )
    user.groups.set(Group.objects.filter(pk__in=editor.groups.all()))
    return user


def test_the_second_save_shows_a_conflict_naming_the_first_editor_and_loses_nothing(
    contexts, editor, second_editor, make_publication  # noqa: F811
):
    publication = make_publication(title="Shared report", summary="The summary both opened.")
    url = f"/admin/publications/publication/{publication.pk}/change/"

    first, second = contexts(), contexts()
    log_in(first)
    log_in(second, "colleague")
    first.goto(url)
    second.goto(url)

    first.locator("#id_summary_en").fill("The first editor's summary.")
    first.locator("input[name=_save_draft]").click()
    expect(first.locator("ul.messagelist")).to_contain_text("Draft saved")

    second.locator("#id_summary_en").fill("The second editor's summary.")
    second.locator("input[name=_save_draft]").click()
    conflict = second.locator(".draft-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("editor saved this item")
    expect(conflict).to_contain_text("The first editor's summary.")
    expect(conflict).to_contain_text("The second editor's summary.")
    # Nothing was overwritten: the first editor's draft is what is saved; the second's text
    # is still in the form, ready to be saved over deliberately.
    assert Publication.objects.get(pk=publication.pk).draft["summary_en"] == "The first editor's summary."
    expect(second.locator("#id_summary_en")).to_have_value("The second editor's summary.")
    assert_axe_clean(second)

    # The second editor chooses theirs: saving again replaces the first's (kept in History).
    second.locator("input[name=_save_draft]").click()
    expect(second.locator("ul.messagelist")).to_contain_text("Draft saved")
    assert Publication.objects.get(pk=publication.pk).draft["summary_en"] == "The second editor's summary."
    # The first editor, opening the item again, is told who changed it.
    first.goto(url)
    expect(first.locator(".draft-changed-by-other")).to_contain_text("colleague")


def test_the_edit_page_warns_before_leaving_with_unsaved_changes(contexts, editor, make_publication):  # noqa: F811
    publication = make_publication()
    page = contexts()
    log_in(page)
    page.goto(f"/admin/publications/publication/{publication.pk}/change/")
    leaving = (
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )
    assert page.evaluate(leaving) is False, "warned with nothing typed"
    page.locator("#id_summary_en").fill("Typed, not saved.")
    assert page.evaluate(leaving) is True, "no warning before leaving unsaved changes"
    # Revoke and Discard act without saving: they ask first; Cancel keeps the typing.
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.locator("input[name=_share_preview]").click()
    page.locator("#id_summary_en").fill("Typed again.")
    page.locator("button[name=_revoke_preview_link]").first.click()
    expect(page.locator("#id_summary_en")).to_have_value("Typed again.")
