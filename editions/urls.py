"""Reading pages, in every language (mounted under i18n_patterns), and the chapter pages of
staff previews (a version's preview itself, /preview/edition/<pk>/, is the editorial core's)."""

from django.urls import path

from citations.views import download

from . import views

app_name = "editions"

urlpatterns = [
    path("publication/<slug:slug>/read/", views.edition_home, name="home"),
    path("publication/<slug:slug>/read/versions/", views.versions, name="versions"),
    path("publication/<slug:slug>/read/references/", views.references, name="references"),
    path("publication/<slug:slug>/read/v<int:number>/", views.edition_home, name="home-version"),
    path("publication/<slug:slug>/read/v<int:number>/changes/", views.version_changes, name="changes"),
    path("publication/<slug:slug>/read/v<int:number>/references/", views.references, name="references-version"),
    path("publication/<slug:slug>/read/v<int:number>/<str:identifier>/", views.element, name="element-version"),
    path("publication/<slug:slug>/read/<str:identifier>/", views.element, name="element"),
    # How to cite a chapter, section, figure or table, and its BibTeX, RIS and CSL-JSON.
    path("publication/<slug:slug>/read/v<int:number>/<str:identifier>/cite/", views.cite, name="cite-version"),
    path("publication/<slug:slug>/read/<str:identifier>/cite/", views.cite, name="cite"),
    path(
        "publication/<slug:slug>/read/v<int:number>/<str:identifier>/cite.<str:suffix>",
        download(views.visible_part), name="citation-version",
    ),
    path("publication/<slug:slug>/read/<str:identifier>/cite.<str:suffix>", download(views.visible_part), name="citation"),
    path("preview/edition/<int:pk>/references/", views.preview_references, name="preview-references"),
    path("preview/edition/<int:pk>/<str:identifier>/", views.preview_element, name="preview-element"),
]
