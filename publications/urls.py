"""Visitors' pages, in every language (the project mounts them under i18n_patterns)."""

from django.urls import path

from citations.views import download
from reportsite.pagecache import public_page

from . import discovery, file_addresses, views

app_name = "publications"

urlpatterns = [
    path("", views.home, name="home"),
    path("publications/", views.publication_index, name="index"),
    # Feed, sitemap and robots.txt show nothing of the visitor: one cached copy for all.
    path(
        "publications/feed/",
        public_page(discovery.PublicationsFeed(), variants=False),
        name="feed",
    ),
    path("publication/<slug:slug>/", views.publication_detail, name="detail"),
    # BibTeX, RIS and CSL-JSON of a visible publication (citations.views).
    path(
        "publication/<slug:slug>/cite.<str:suffix>",
        download(views.visible_publication),
        name="citation",
    ),
    # Stable addresses of the PDFs and of each version of them (publications.file_addresses).
    path("publication/<slug:slug>/pdf", file_addresses.current_document, name="document"),
    path("publication/<slug:slug>/pdf/<slug:kind>", file_addresses.current_document, name="document"),
    path(
        "publication/<slug:slug>/pdf/<slug:kind>/<str:language>/v<int:number>",
        file_addresses.document_version,
        name="document-version",
    ),
]
