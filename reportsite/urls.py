from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from .health import healthz
from .media import serve_media

admin.site.site_header = "International AI Safety Report — editors"
admin.site.site_title = "Report editors"
admin.site.index_title = "Site content"
# The admin home is the editors' dashboard (reportsite.dashboard).
admin.site.index_template = "reportsite/admin_index.html"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", healthz, name="healthz"),
    re_path(r"^{}(?P<path>.+)$".format(settings.MEDIA_URL.lstrip("/")), serve_media),
    path("", include("publications.discovery_urls")),
]
# Pages for visitors, in every language: English at today's addresses, the others under
# their prefix (/fr/, /ar/...). The admin, health check, media, sitemap and robots.txt
# have one address each (the sitemap lists every language's pages).
urlpatterns += i18n_patterns(
    path("", include("consent.urls")),
    # Before publications: its /preview/<kind>/<pk>/ would otherwise take the edition's
    # /preview/edition/<pk>/.
    path("", include("editions.urls")),
    path("", include("publications.urls")),
    path("", include("search.urls")),
    path("", include("editorial.urls")),
    prefix_default_language=False,
)

# A shared part (database, media bucket) briefly away gives a clear 503, not a 500.
handler500 = "reportsite.unavailable.server_error"
# Staff refused an admin page get the admin's own page, with a way back.
handler403 = "reportsite.forbidden.permission_denied"
