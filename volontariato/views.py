from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    """How civic volunteering works and how to join the register."""
    return render(request, "volontariato/index.html")
