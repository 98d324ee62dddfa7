"""Public pages of the report: the landing page and a page per publication."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import PartnerOrganisation, Publication, SiteContent

LATEST_PUBLICATIONS_ON_HOME = 6


def home(request):
    published = Publication.objects.published()
    return render(
        request,
        "publications/home.html",
        {
            "site": SiteContent.load(),
            "featured": list(published.filter(featured=True)),
            "publications": list(published[:LATEST_PUBLICATIONS_ON_HOME]),
            "partners": list(PartnerOrganisation.objects.filter(active=True)),
        },
    )


def publication_detail(request, slug):
    publication = get_object_or_404(Publication, slug=slug)
    if not publication.is_visible and not request.user.is_staff:
        raise Http404("No publication at this address.")
    return render(
        request,
        "publications/publication_detail.html",
        {"site": SiteContent.load(), "publication": publication},
    )
