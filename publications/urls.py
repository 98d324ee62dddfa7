from django.urls import path

from . import views

app_name = "publications"

urlpatterns = [
    path("", views.home, name="home"),
    path("publication/<slug:slug>/", views.publication_detail, name="detail"),
]
