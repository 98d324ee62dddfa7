from django.urls import path

from reportsite.pagecache import public_page

from . import discovery, previews, views

app_name = "publications"

urlpatterns = [
    path("", views.home, name="home"),
    path("publications/", views.publication_index, name="index"),
    path("publications/feed/", public_page(discovery.PublicationsFeed()), name="feed"),
    path("publication/<slug:slug>/", views.publication_detail, name="detail"),
    path("preview/shared/<str:token>/", previews.shared_preview, name="shared-preview"),
    path("preview/<slug:kind>/<int:pk>/", previews.staff_preview, name="preview"),
]
