"""Serves uploaded media (covers, logos, PDFs) from MEDIA_ROOT in the single-server setup.

Upload names change whenever their content does (editorial.uploads), so responses may
be cached for a year. Django's static `serve` already refuses paths outside MEDIA_ROOT and
directory listings; this adds the caching and content-sniffing headers.
"""

from django.conf import settings
from django.views.decorators.http import require_safe
from django.views.static import serve

ONE_YEAR = 365 * 24 * 60 * 60


@require_safe
def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT, show_indexes=False)
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
