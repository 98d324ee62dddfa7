"""Addresses that exist once for the whole site, not per language: sitemap.xml (which
lists every language's pages) and robots.txt. The project mounts them without a prefix."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from reportsite.pagecache import Number, public_page

from . import discovery

app_name = "discovery"

urlpatterns = [
    # Both show nothing of the visitor: one cached copy for all.
    path(
        "sitemap.xml",
        # The sitemap view pages long sitemaps with ?p=.
        public_page(sitemap, query={"p": Number(minimum=1, default=1)}, variants=False),
        {"sitemaps": discovery.SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", public_page(discovery.robots_txt, variants=False), name="robots"),
]
