from django.urls import path

from . import views

app_name = "centri_sociali"

urlpatterns = [
    path("", views.centre_list, name="index"),
    path("<slug:slug>/", views.centre_detail, name="centre_detail"),
]
