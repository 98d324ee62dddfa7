"""Serves uploaded media (covers, logos, PDFs) from MEDIA_ROOT in the single-server setup.

With MEDIA_STORAGE=s3 the bucket (or its CDN) serves media and pages link there: /media/
serves nothing then, whatever files a server's own MEDIA_ROOT may hold.

Upload names change whenever their content does (publications.uploads), so responses may
be cached for a year. Django's static `serve` already refuses paths outside MEDIA_ROOT and
directory listings; this adds the caching and content-sniffing headers.
"""

from django.conf import settings
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

ONE_YEAR = 365 * 24 * 60 * 60


@require_safe
def serve_media(request, path):
    if settings.MEDIA_STORAGE != "local":
        raise Http404("Media are served by the storage, not by this server.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT, show_indexes=False)
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
