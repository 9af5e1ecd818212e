from django.urls import path

from . import views

app_name = "volontariato"

urlpatterns = [
    path("", views.index, name="index"),
]
