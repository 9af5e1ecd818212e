from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Centre


def centre_list(request: HttpRequest) -> HttpResponse:
    centres = Centre.objects.for_listing().order_by("quartiere__ambito__code", "name")
    return render(request, "centri_sociali/centre_list.html", {"centres": centres})


def centre_detail(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_object_or_404(Centre.objects.for_listing(), slug=slug)
    return render(request, "centri_sociali/centre_detail.html", {"centre": centre})
