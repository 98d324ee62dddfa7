"""`{% dashboard_panels %}`: the registered panels of the admin home, rendered for the user."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html_join

from reportsite.dashboard import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_panels(context):
    request = context["request"]
    rendered = [
        (render_to_string(panel["template"], panel, request=request),)
        for panel in panels_for(request)
    ]
    return format_html_join("\n", "{}", rendered) if rendered else ""
