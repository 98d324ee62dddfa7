"""Template tags for the language switcher and the hreflang alternates of a page."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings

from reportsite import languages

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switcher(context):
    """The current page in every language (each language's home page on an error page)."""
    request = context.get("request")
    if request is None:
        return []
    return languages.versions(request.get_full_path()) or languages.home_pages()


@register.simple_tag
def hreflang_alternates(canonical):
    """[(hreflang, absolute URL)] for the canonical URL: the six languages and x-default."""
    parts = urlsplit(canonical)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    versions = languages.versions(path)
    links = [(version["code"], settings.SITE_URL + version["path"]) for version in versions]
    if links:
        default = next(url for code, url in links if code == settings.LANGUAGE_CODE)
        links.append(("x-default", default))
    return links
