"""Serves uploaded media (covers, logos, PDFs) from MEDIA_ROOT in the single-server setup.

With MEDIA_STORAGE=s3 the bucket (or its CDN) serves media and pages link there: /media/
serves nothing then, whatever files a server's own MEDIA_ROOT may hold.

Upload names change whenever their content does (editorial.uploads), so responses may
be cached for a year. Django's static `serve` already refuses paths outside MEDIA_ROOT and
directory listings; this adds the caching and content-sniffing headers. A file that was
replaced by a corrected one is not served at its old address: apps register where such
addresses now lead (`register_moved_files`, see citations.files).
"""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.views.decorators.http import require_safe
from django.views.static import serve

ONE_YEAR = 365 * 24 * 60 * 60
ONE_DAY = 24 * 60 * 60
_moved_file_finders = []


def register_moved_files(finder):
    """`finder(name)` -> the address a stored file's old media address now leads to, or
    None to serve the file (apps register it; e.g. citations.files.moved_file_address)."""
    if finder not in _moved_file_finders:
        _moved_file_finders.append(finder)


@require_safe
def serve_media(request, path):
    if settings.MEDIA_STORAGE != "local":
        raise Http404("Media are served by the storage, not by this server.")
    for finder in _moved_file_finders:
        address = finder(path)
        if address:
            # Permanent, but remembered for a day only: browsers keep a 301 without
            # Cache-Control for ever.
            response = HttpResponsePermanentRedirect(address)
            response["Cache-Control"] = f"public, max-age={ONE_DAY}"
            return response
    response = serve(request, path, document_root=settings.MEDIA_ROOT, show_indexes=False)
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
