"""Clear, short 503s when a part the site shares with other servers is briefly away.

A request that needs the database while PostgreSQL restarts, or stores a file while the
S3 bucket does not answer, fails with an exception wherever it happens (a view, a
middleware, a form save). Django hands every such failure to `handler500` while the
exception is still being handled, so this one view sees what went wrong: an outage of a
shared part becomes a 503 with `Retry-After` and a message saying that nothing was saved
(the request's database transaction was rolled back, and a file is only ever named in the
database once it is stored); anything else stays the ordinary 500 page. Django logs the
event with its traceback either way (logger `django.request`).
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

RETRY_AFTER_SECONDS = 15

MESSAGES = {
    "database": "The site's database does not answer for a moment, so nothing was saved. "
    "Please try again in a few seconds.",
    "storage": "The media storage does not answer for a moment, so the upload was not "
    "stored and nothing was saved. Please try again in a few seconds.",
}


def _storage_errors():
    try:  # only with MEDIA_STORAGE=s3 (requirements-s3.txt)
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return ()
    return (BotoCoreError, ClientError)


def unavailable_part(error):
    """'database', 'storage' or None: which shared part `error` (or its causes) says is away."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError | InterfaceError) or (
            isinstance(error, DatabaseError) and "connection" in str(error).lower()
        ):
            return "database"
        if isinstance(error, _storage_errors()):
            return "storage"
        error = error.__cause__ or error.__context__
    return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    part = unavailable_part(sys.exc_info()[1])
    if part is None:
        return defaults.server_error(request, template_name)
    message = MESSAGES[part]
    wants_json = "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json"
    )
    if wants_json:
        response = JsonResponse({"error": message}, status=503)
    else:
        # A page of its own: base.html reads site content from the database.
        response = HttpResponse(
            render_to_string("reportsite/unavailable.html", {"message": message}),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
