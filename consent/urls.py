from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("consent/", views.decide, name="decide"),
    path("privacy/", views.policy, name="policy"),
]
