"""Citation downloads (BibTeX, RIS, CSL-JSON) at stable addresses, in every language.

An app offers downloads for its citable content with one URL pattern per kind of item:

    path("publication/<slug:slug>/cite.<str:suffix>",
         citations.views.download(visible_publication), name="publication-citation")

where `visible_publication(request, **kwargs)` returns the item or raises Http404 (the same
rule as the item's page). The address ends with the format's suffix (bib, ris, json; see
citations.formats.FORMATS); an unknown suffix is a 404. Downloads go through the page cache
like pages (they are the same for every visitor).
"""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext

from reportsite.pagecache import public_page

from .formats import FORMATS


def download(get_citable):
    @public_page(variants=False)
    def view(request, suffix, **kwargs):
        export = FORMATS.get(suffix)
        if export is None:
            raise Http404(gettext("There is no such citation format."))
        citable = get_citable(request, **kwargs)
        response = HttpResponse(export.render(citable), content_type=export.content_type)
        response["Content-Disposition"] = f'inline; filename="{citable.citation_key()}.{suffix}"'
        response["X-Robots-Tag"] = "noindex"
        return response

    return view


def download_links(url_name, **kwargs):
    """[(format, address)] for a Cite panel: every format of the item at `url_name`."""
    from django.urls import reverse

    return [
        (export, reverse(url_name, kwargs={**kwargs, "suffix": suffix}))
        for suffix, export in FORMATS.items()
    ]
