"""Template tags through which pages ask the consent app before showing optional content."""

from django import template

register = template.Library()


@register.inclusion_tag("consent/embed.html")
def consent_embed(url, title=""):
    # Placeholder until the consent issue: a plain link, never a third-party iframe.
    return {"url": url, "title": title}
