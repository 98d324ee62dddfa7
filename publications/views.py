"""Public pages of the report: the landing page, the publications index and a page per
publication (with its documents, citation and the data search engines read)."""

from itertools import groupby
from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext, gettext_lazy

from editorial.previews import mark_as_preview
from reportsite.pagecache import Number, Text, public_page

from .discovery import absolute, cover_card_image, organization_data, report_data
from .models import PartnerOrganisation, Publication, SiteContent

# Other apps add links to a publication's page (editions: "Read the report online"):
# each function(publication) returns {"url", "label"} or None. See register_publication_link.
PUBLICATION_LINKS = []


def register_publication_link(function):
    if function not in PUBLICATION_LINKS:
        PUBLICATION_LINKS.append(function)


LATEST_PUBLICATIONS_ON_HOME = 6
PUBLICATIONS_PER_PAGE = 10
RELATED_PUBLICATIONS = 3
KIND_PLURALS = {
    Publication.Kind.ANNUAL_REPORT: gettext_lazy("Annual reports"),
    Publication.Kind.INTERIM_REPORT: gettext_lazy("Interim reports"),
    Publication.Kind.KEY_UPDATE: gettext_lazy("Key updates"),
    Publication.Kind.OTHER: gettext_lazy("Other publications"),
}
MORE_OF_KIND = {
    Publication.Kind.ANNUAL_REPORT: gettext_lazy("More annual reports"),
    Publication.Kind.INTERIM_REPORT: gettext_lazy("More interim reports"),
    Publication.Kind.KEY_UPDATE: gettext_lazy("More key updates"),
    Publication.Kind.OTHER: gettext_lazy("More other publications"),
}


@public_page
def home(request):
    return render_home(request, SiteContent.load(), list(PartnerOrganisation.objects.filter(active=True)))


def render_home(request, site, partners, preview=None):
    """The landing page with these site texts and partners (live ones, or a draft's)."""
    published = Publication.objects.published()
    return render(
        request,
        "publications/home.html",
        {
            "site": site,
            "featured": list(published.filter(featured=True)),
            "publications": list(published[:LATEST_PUBLICATIONS_ON_HOME]),
            "partners": partners,
            "organization": organization_data(site),
            "preview": preview,
        },
    )


def _index_url(kind="", year="", page=1):
    query = {key: value for key, value in (("kind", kind), ("year", year)) if value}
    if page and page > 1:
        query["page"] = page
    url = reverse("publications:index")
    return f"{url}?{urlencode(query)}" if query else url


@public_page(
    query={
        "kind": Text(),
        "year": Number(minimum=1000, maximum=9999),
        "page": Number(minimum=1, default=1),
    }
)
def publication_index(request):
    """All visible publications, newest first, filtered by kind and year through links.

    A filter or page that cannot exist (unknown kind, a year without publications, a page
    number out of range or not a number) is a 404: such addresses have no page, and the
    page cache never stores one, so made-up addresses cannot crowd out the real pages.
    Another spelling of a real page (`page=01`, `kind=`) is redirected to it by
    `public_page`. Other query parameters (e.g. campaign tags) are ignored.
    """
    kind = request.GET.get("kind", "")
    year = request.GET.get("year", "")
    if kind and kind not in Publication.Kind.values:
        raise Http404(gettext("There is no such kind of publication."))

    published = Publication.objects.published()
    years_present = [str(d.year) for d in published.dates("publication_date", "year", order="DESC")]
    if year and year not in years_present:
        raise Http404(gettext("There are no publications from that year."))
    selected = published
    if kind:
        selected = selected.filter(kind=kind)
    if year:
        selected = selected.filter(publication_date__year=int(year))
    try:
        page = Paginator(selected, PUBLICATIONS_PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404(gettext("There is no such page of publications."))

    kinds_present = set(published.order_by().values_list("kind", flat=True).distinct())
    kind_links = [{"label": gettext("All kinds"), "url": _index_url("", year), "current": not kind}] + [
        {"label": label, "url": _index_url(value, year), "current": value == kind}
        for value, label in Publication.Kind.choices
        if value in kinds_present or value == kind
    ]
    year_links = [{"label": gettext("All years"), "url": _index_url(kind, ""), "current": not year}] + [
        {"label": value, "url": _index_url(kind, value), "current": value == year}
        for value in years_present
    ]
    if kind and year:
        filter_description = gettext("%(kinds)s from %(year)s") % {
            "kinds": KIND_PLURALS[kind],
            "year": year,
        }
    elif kind:
        filter_description = str(KIND_PLURALS[kind])
    elif year:
        # Translators: the publications list filtered to one year ("Year 2025").
        filter_description = gettext("Year %(year)s") % {"year": year}
    else:
        filter_description = ""
    return render(
        request,
        "publications/publication_index.html",
        {
            "site": SiteContent.load(),
            "page": page,
            "publications": list(page.object_list),
            "filter_groups": [(gettext("Kind"), kind_links), (gettext("Year"), year_links)],
            "filtered": bool(kind or year),
            "filter_description": filter_description,
            "previous_url": _index_url(kind, year, page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _index_url(kind, year, page.next_page_number()) if page.has_next() else "",
            "canonical_url": absolute(_index_url(kind, year, page.number)),
        },
    )


def _document_groups(documents):
    """Documents grouped under their titles (type or label), in the types' order; within a
    group, those in the page's language come first."""
    language = get_language()
    ordered = sorted(
        documents,
        key=lambda d: (d.type_rank, str(d.title), d.language != language, d.order, d.pk),
    )
    return [(title, list(group)) for title, group in groupby(ordered, key=lambda d: d.title)]


def visible_publication(request, slug):
    """The publication visitors see at `slug`, or a 404 for everyone, staff too (drafts,
    scheduled, expired: staff use the preview, editorial.previews)."""
    publication = Publication.objects.published().filter(slug=slug).first()
    if publication is None:
        raise Http404(gettext("No publication at this address."))
    return publication


@public_page
def publication_detail(request, slug):
    """A publication visitors may see; anything else is a 404 for everyone, staff too
    (they use the preview, editorial.previews)."""
    publication = visible_publication(request, slug)
    return render_publication(request, publication, list(publication.live_documents()))


def render_publication(request, publication, documents, preview=None):
    """A publication's page, live or (with `preview`) a draft of it, never indexed."""
    site = SiteContent.load()
    related = list(
        Publication.objects.published()
        .filter(kind=publication.kind)
        .exclude(pk=publication.pk)[:RELATED_PUBLICATIONS]
    )
    response = render(
        request,
        "publications/publication_detail.html",
        {
            "site": site,
            "publication": publication,
            "preview": preview,
            "document_groups": _document_groups(documents),
            "related": related,
            "related_title": MORE_OF_KIND[publication.kind],
            "citation": publication.citation_for(site.site_name),
            "card_image": cover_card_image(publication),
            "report": report_data(publication, site, documents),
            "canonical_url": publication.absolute_url,
            "extra_links": [link for function in PUBLICATION_LINKS if (link := function(publication))],
        },
    )
    if preview:
        mark_as_preview(response)
    return response


# Previews of drafts (registered with editorial.registry in apps.py): the real pages, with
# the draft's values and a banner saying what is shown.


def preview_publication(request, publication, banner):
    return render_publication(request, publication, list(publication.draft_documents()), banner)


def preview_partner(request, partner, banner):
    """The landing page with the partner as its draft would show it, in its place."""
    partners = [other for other in PartnerOrganisation.objects.filter(active=True) if other.pk != partner.pk]
    if partner.active:
        partners = sorted([*partners, partner], key=lambda other: (other.order, other.name))
    return render_home(request, SiteContent.load(), partners, banner)


def preview_site_texts(request, site, banner):
    return render_home(request, site, list(PartnerOrganisation.objects.filter(active=True)), banner)
