"""The admin's own page for a refusal (HTTP 403).

Staff who follow a link to an admin page that their role may not open (an editor sent a
consent-records address, say) get it in the admin's look, saying why and leading back:
to the page they came from when it is one of the site's, and to the admin home. Every
other refusal stays Django's (templates/403.html when the project has one).
"""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults


def permission_denied(request, exception):
    user = getattr(request, "user", None)
    if not (request.path.startswith(reverse("admin:index")) and user and user.is_active
            and user.is_staff):
        return defaults.permission_denied(request, exception)
    back = request.headers.get("Referer", "")
    if back == request.build_absolute_uri() or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    context = {
        **admin.site.each_context(request),
        "title": "You may not open this page",
        "back_url": back,
    }
    return TemplateResponse(request, "admin/403.html", context, status=403).render()
