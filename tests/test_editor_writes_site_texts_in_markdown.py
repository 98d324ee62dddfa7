"""An editor writes the landing page's hero lead and About text in Markdown, rendered with
the publications' sanitiser: formatting and links work, scripts never run."""

import json
import re

import pytest

from publications.models import SiteContent

pytestmark = pytest.mark.django_db


def save_site_texts(editor_client, **texts):
    SiteContent.load()
    data = {
        "site_name": "International AI Safety Report",
        "hero_title": "International AI Safety Report",
        "hero_lead": "",
        "about_heading": "About the report",
        "about_text": "",
        # The site texts are live: publish, or the change waits as a draft.
        "_publish": "Publish",
        **texts,
    }
    response = editor_client.post("/admin/publications/sitecontent/1/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def section(html, css_class):
    match = re.search(rf'<section id="about" class="{css_class}".*?</section>', html, re.S)
    assert match, css_class
    return match.group(0)


def test_about_in_markdown_renders_bold_text_and_a_link(editor_client, client):
    save_site_texts(
        editor_client,
        about_text="The report is **independent**.\n\nRead the [method](https://example.org/method).",
        hero_lead="Written by *100 experts*.",
    )
    editor_client.logout()
    html = client.get("/").content.decode()
    about = section(html, "about")
    assert "<strong>independent</strong>" in about
    assert re.search(r'<a href="https://example.org/method"[^>]*>method</a>', about)
    assert "**" not in about and "[method]" not in about
    assert '<div class="hero__lead"><p>Written by <em>100 experts</em>.</p></div>' in html
    # Search engines get the text, not the markup.
    organisation = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert organisation["description"] == "The report is independent. Read the method."


def test_a_script_in_the_about_text_renders_as_nothing_active(editor_client, client):
    save_site_texts(
        editor_client,
        about_text=(
            "Safe text.\n\n<script>alert('about')</script>\n\n"
            '<img src="x" onerror="alert(1)"> [click](javascript:alert(2)) '
            '<a href="https://example.org/" onclick="alert(3)">ok</a>'
        ),
        hero_lead="<script>alert('lead')</script>Lead",
    )
    editor_client.logout()
    html = client.get("/").content.decode()
    about = section(html, "about")
    assert "Safe text." in about
    for active in ("<script", "alert(", "onerror", "onclick", "javascript:", "<img"):
        assert active not in about, active
    hero = re.search(r'<section class="hero".*?</section>', html, re.S).group(0)
    assert "<script" not in hero and "alert(" not in hero


def test_the_site_texts_form_says_they_are_markdown(editor_client):
    SiteContent.load()
    html = editor_client.get("/admin/publications/sitecontent/1/change/").content.decode()
    assert html.lower().count("in markdown") >= 2 and "HTML and scripts are removed" in html
