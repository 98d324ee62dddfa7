from django.contrib.sitemaps.views import sitemap
from django.urls import path

from reportsite.pagecache import public_page

from . import discovery, previews, views

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
    path(
        "sitemap.xml",
        # The sitemap view pages long sitemaps with ?p=.
        public_page(sitemap, query=["p"], variants=False),
        {"sitemaps": discovery.SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", public_page(discovery.robots_txt, variants=False), name="robots"),
    path("preview/shared/<str:token>/", previews.shared_preview, name="shared-preview"),
    path("preview/<slug:kind>/<int:pk>/", previews.staff_preview, name="preview"),
]
