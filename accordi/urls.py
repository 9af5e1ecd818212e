from django.urls import path

from . import views

app_name = "accordi"

urlpatterns = [
    path("", views.index, name="index"),
]
