"""The text format editors write publication bodies in: Markdown, rendered to safe HTML.

Markdown lets editors write raw HTML, so the rendered HTML always goes through nh3 (the
Ammonia sanitiser) with an allow-list: only the tags and attributes below survive, links
keep only http(s) and mailto addresses, and scripts, styles, event-handler attributes and
`javascript:` URLs never reach a page. Publications render once, when saved.
"""

import re

import markdown
import nh3

# Headings start at h2: the publication's title is the page's only h1.
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Their content is dropped too, not just the tags.
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "noscript"}

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "def_list", "abbr", "sane_lists"]
# An editor's "# Heading" becomes an h2: the page's title is its only h1.
H1_TAG = re.compile(r"<(/?)h1\b", re.IGNORECASE)


def render_markdown(text):
    """Return sanitised HTML for an editor's Markdown text ("" for blank text)."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(
        text,
        extensions=MARKDOWN_EXTENSIONS,
        output_format="html",
    )
    return nh3.clean(
        H1_TAG.sub(r"<\1h2", html),
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
