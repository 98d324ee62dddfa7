"""The site's URLs plus `/broken-page/`, which raises an error every time."""

from django.urls import path

from reportsite.urls import urlpatterns as site_urlpatterns

ERROR_MESSAGE = "This page breaks on purpose, to test error reporting"


def broken_page(request):
    raise RuntimeError(ERROR_MESSAGE)


urlpatterns = [path("broken-page/", broken_page), *site_urlpatterns]
