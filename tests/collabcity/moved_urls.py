"""The portal's addresses under another path, for tests of address reversing."""

from django.urls import include, path

urlpatterns = [path("altrove/", include("collabcity.urls"))]
