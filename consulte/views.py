from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from collabcity.models import Ambito


def index(request: HttpRequest) -> HttpResponse:
    """The nine consulte, one per ambito territoriale, with the quartieri each represents."""
    return render(request, "consulte/index.html", {"ambiti": Ambito.objects.with_quartieri()})
