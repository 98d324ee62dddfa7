"""`/healthz`: tells a load balancer or monitor whether this app server can serve.

It answers 200 when the database and the cache both answer, 503 with `"<part>": "error"`
for a failing part otherwise (a cache that degrades instead of raising, such as
reportsite.rediscache, fails the round trip and so counts as failing too). No authentication and never cached; one trivial query and one cache round trip,
so probing it every few seconds costs nothing. Details of a failure go to the log, not to
the (public) response.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers():
    # A fresh value each time: a stale entry from an earlier probe cannot pass for an answer.
    token = secrets.token_hex(8)
    cache.set("healthz", token, timeout=30)
    answered = cache.get("healthz") == token
    # A cache that degrades instead of raising (reportsite.rediscache) says it is failing.
    if getattr(cache, "failing", False):
        raise ConnectionError("the cache server does not answer (see the cache's log line)")
    return answered


CHECKS = {"database": database_answers, "cache": cache_answers}


@never_cache
@require_safe
def healthz(request):
    parts = {}
    for name, answers in CHECKS.items():
        try:
            ok = answers()
            if not ok:
                logger.error("Health check: the %s answered wrongly", name)
        except Exception:
            logger.exception("Health check: the %s does not answer", name)
            ok = False
        parts[name] = "ok" if ok else "error"
    failing = [name for name, state in parts.items() if state != "ok"]
    body = {"status": "ok" if not failing else "failing", **parts}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
