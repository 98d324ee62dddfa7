"""The search page, in every language (the project mounts it under i18n_patterns)."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [path("search/", views.results, name="results")]
