"""Visitors' pages, in every language (the project mounts them under i18n_patterns)."""

from django.urls import path

from reportsite.pagecache import public_page

from . import discovery, views

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
]
