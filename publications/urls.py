from django.urls import path

from . import discovery, views

app_name = "publications"

urlpatterns = [
    path("", views.home, name="home"),
    path("publications/", views.publication_index, name="index"),
    path("publications/feed/", discovery.PublicationsFeed(), name="feed"),
    path("publication/<slug:slug>/", views.publication_detail, name="detail"),
]
