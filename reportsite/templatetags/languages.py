"""Template tags for the language switcher and the hreflang alternates of a page."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe

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


@register.simple_tag
def content_language():
    """` lang="en" dir="ltr"` on content entered in English, when the page is in another
    language: screen readers then pronounce it as English, and an English paragraph keeps
    its direction on a right-to-left page. (Content is English-only until it becomes
    translatable; then this marks only the fields that fall back to English.)"""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return ""
    return mark_safe(f' lang="{settings.LANGUAGE_CODE}" dir="ltr"')
