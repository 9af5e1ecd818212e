from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from collabcity.models import Organisation


def index(request: HttpRequest) -> HttpResponse:
    """What an accordo di cittadinanza is and who can sign one."""
    return render(
        request,
        "accordi/index.html",
        {"organisation_kinds": Organisation.Kind.choices},
    )
