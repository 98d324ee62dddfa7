from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from publications.discovery import SITEMAPS, robots_txt

from .health import healthz
from .media import serve_media
from .pagecache import public_page

admin.site.site_header = "International AI Safety Report — editors"
admin.site.site_title = "Report editors"
admin.site.index_title = "Site content"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", healthz, name="healthz"),
    re_path(r"^{}(?P<path>.+)$".format(settings.MEDIA_URL.lstrip("/")), serve_media),
    path("", include("consent.urls")),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("publications.urls")),
]

# A shared part (database, media bucket) briefly away gives a clear 503, not a 500.
handler500 = "reportsite.unavailable.server_error"
