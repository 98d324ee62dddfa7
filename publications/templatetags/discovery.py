"""Template tags for what machines read in a page's head: absolute links and JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from publications.discovery import absolute

register = template.Library()

# As Django's json_script: the JSON can never close the element or open markup.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def absolute_url(path):
    return absolute(path)


@register.filter
def json_ld(data):
    """A schema.org data block. Its type makes it data: browsers never run it, so a CSP
    without 'unsafe-inline' is unaffected."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
