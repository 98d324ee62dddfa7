"""Template tags for citable items:

    {% load citations %}
    {% citation_meta item %}          Highwire Press citation_* meta tags, in <head>
    {% cite_panel item url_name slug=item.slug %}   the "Cite" panel: the item in each
                                      CSL style (copy buttons with JavaScript) and its
                                      downloads, whose URL pattern is `url_name`
    {% cite_panel item %}             the same, downloads at `item.citation_downloads()`,
                                      for a page whose main citation is the panel itself
"""

from django import template
from django.utils.translation import get_language

from ..formats import formatted_citations, highwire_tags
from ..views import download_links

register = template.Library()


@register.inclusion_tag("citations/meta_tags.html")
def citation_meta(citable):
    return {"tags": highwire_tags(citable)}


@register.inclusion_tag("citations/cite_panel.html")
def cite_panel(citable, url_name=None, **kwargs):
    only_panel = url_name is None
    if only_panel:
        url_name, kwargs = citable.citation_downloads()
    return {
        "styles": formatted_citations(citable, get_language() or "en"),
        "downloads": download_links(url_name, **kwargs),
        "key": citable.citation_key(),
        "only_panel": only_panel,
    }
