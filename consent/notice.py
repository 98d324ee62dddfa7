"""The confirmation a visitor sees after a decision that reloads the page.

A decision made with JavaScript is confirmed in place by consent.js. One that loads a new
page (a form posted without JavaScript, or a withdrawal, which reloads to stop code already
running) is confirmed on that page: the consent endpoint sets a short-lived *notice cookie*,
the next page shows what the (just-set) consent cookie allows, and the response deletes the
notice cookie, so the message shows once.

Pages are cached per consent state (reportsite.pagecache): the notice cookie is a variant of
its own, so a page with the message is never answered from a copy without it, and it is
never stored either, since its response deletes a cookie. A proxy that answers cached pages
itself must likewise pass requests carrying the notice cookie to the application.
"""

from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext

from reportsite.templatetags.languages import fallback_language

from . import conf
from .state import purpose_name

NOTICE_MAX_AGE = 120


def cookie_name():
    return f"{conf.CONSENT_COOKIE_NAME}-saved"


def page_variant(request):
    """Part of the page cache's key: "saved" while the visitor has a decision to be told of."""
    return "saved" if request.COOKIES.get(cookie_name()) else "-"


def set_cookie(response):
    response.set_cookie(
        cookie_name(), "1", max_age=NOTICE_MAX_AGE, secure=conf.CONSENT_COOKIE_SECURE,
        httponly=True, samesite="Lax",
    )


def saved_choices(request, state):
    """[(purpose name, allowed)] to confirm on this page, or [] when there is nothing to say.

    Marks the request so that `NoticeMiddleware` deletes the notice cookie: shown once."""
    if not request.COOKIES.get(cookie_name()) or not state.decided:
        return []
    request._consent_notice_shown = True
    choices = state.choices
    return [(_marked_name(purpose), choices[purpose.slug]) for purpose in state.purposes]


def _marked_name(purpose):
    """The purpose's name; an English one shown for want of a translation says so (lang)."""
    english = fallback_language(purpose, "name")
    return format_html("<span{}>{}</span>", english, purpose_name(purpose)) if english else purpose_name(purpose)


def saved_lines(state, choices):
    """The same confirmation as text lines, for consent.js (the JSON answer to a decision)."""
    allowed, refused = gettext("%(name)s: allowed"), gettext("%(name)s: refused")
    return [
        (allowed if choices[purpose.slug] else refused) % {"name": purpose_name(purpose)}
        for purpose in state.purposes
    ]


class NoticeMiddleware:
    """Deletes the notice cookie once a page has shown the confirmation (and keeps that page
    out of every cache). Must come after reportsite.pagecache's middleware, which then sees
    the deleted cookie and does not store the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_consent_notice_shown", False):
            response.delete_cookie(cookie_name(), samesite="Lax")
            add_never_cache_headers(response)
        return response
