from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from collabcity.models import Ambito, Quartiere


def index(request: HttpRequest) -> HttpResponse:
    """The nine consulte, one per ambito territoriale, with the quartieri each represents."""
    ambiti = Ambito.objects.prefetch_related(
        Prefetch("quartieri", queryset=Quartiere.objects.order_by("name"))
    )
    return render(request, "consulte/index.html", {"ambiti": ambiti})
