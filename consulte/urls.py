from django.urls import path

from . import views

app_name = "consulte"

urlpatterns = [
    path("", views.index, name="index"),
]
