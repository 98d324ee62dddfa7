"""Template tags through which pages ask the consent app before showing optional content.

Their output depends only on the consent state (see `consent.state.page_variant`), never on
the visitor's cookie or consent id, so the pages that use them stay cacheable per state.
"""

import re

from django import template
from django.utils.html import format_html

from .. import decisions, embeds, notice
from ..models import SitePurpose
from ..state import get_state

register = template.Library()


def _common(request, next_path=None):
    state = get_state(request)
    if next_path is None:
        next_path = request.get_full_path() if request.method == "GET" else "/"
    return state, {"next": next_path, "fingerprint": state.texts_fingerprint}


def _switches(state):
    choices = state.choices
    return [(purpose, choices[purpose.slug]) for purpose in state.purposes]


@register.filter
def policy_paragraphs(text):
    """The cookie policy's paragraphs (its text in the page's language, else in English)."""
    return re.split(r"\n{2,}", text.replace("\r\n", "\n").strip())


@register.inclusion_tag("consent/notice.html", takes_context=True)
def consent_notice(context):
    """First in the page: the banner (until the visitor decides), then, in its place, what a
    decision saved (see `consent.notice`)."""
    request = context.get("request")
    if request is None:
        # Pages rendered without a request (the server-error page) get nothing optional.
        return {"state": None}
    state, common = _common(request)
    return {
        **common,
        "state": state,
        "texts": state.texts,
        "show_banner": bool(state.version) and not state.decided,
        "saved": notice.saved_choices(request, state),
    }


@register.inclusion_tag("consent/body_end.html", takes_context=True)
def consent_body_end(context):
    """The settings dialog, the script, analytics."""
    request = context.get("request")
    if request is None:
        return {"state": None}
    state, common = _common(request)
    return {
        **common,
        "state": state,
        "texts": state.texts,
        "purposes": _switches(state),
        "analytics": (
            decisions.analytics_script() if state.allows(SitePurpose.ANALYTICS) else None
        ),
    }


@register.inclusion_tag("consent/embed.html", takes_context=True)
def consent_embed(context, url, title="", title_lang=""):
    """A third-party player, or a placeholder until the visitor allows embedded content.

    `title_lang`: the attributes marking the title's language where it is not the page's
    (an English fallback), for the caption."""
    state, common = _common(context["request"])
    return {
        **common,
        "url": url,
        "title": title,
        "caption_title": format_html("<span{}>{}</span>", title_lang, title) if title_lang else title,
        "embed": embeds.parse(url),
        "allowed": state.allows(embeds.EMBEDS_PURPOSE),
        "purpose": embeds.EMBEDS_PURPOSE,
        "can_record": bool(state.version),
    }


@register.inclusion_tag("consent/_settings_form.html", takes_context=True)
def consent_settings_form(context, prefix, next_path=None):
    """The switches and buttons, outside the dialog (the privacy page, without JavaScript)."""
    state, common = _common(context["request"], next_path)
    return {**common, "prefix": prefix, "texts": state.texts, "purposes": _switches(state)}
