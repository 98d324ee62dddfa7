"""Preview addresses, in every language (mounted under i18n_patterns by the project)."""

from django.urls import path

from . import previews

app_name = "editorial"

urlpatterns = [
    path("preview/shared/<str:token>/", previews.shared_preview, name="shared-preview"),
    path("preview/shared/<str:token>/files/<path:name>", previews.shared_file, name="shared-file"),
    path("preview/<slug:kind>/<int:pk>/", previews.staff_preview, name="preview"),
    path("preview/<slug:kind>/<int:pk>/files/<path:name>", previews.staff_file, name="preview-file"),
]
