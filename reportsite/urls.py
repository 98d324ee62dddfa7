from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from .health import healthz
from .media import serve_media

admin.site.site_header = "International AI Safety Report — editors"
admin.site.site_title = "Report editors"
admin.site.index_title = "Site content"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", healthz, name="healthz"),
    re_path(r"^{}(?P<path>.+)$".format(settings.MEDIA_URL.lstrip("/")), serve_media),
    path("", include("consent.urls")),
    path("", include("publications.urls")),
]
