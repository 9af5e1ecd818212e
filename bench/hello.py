"""A one-file Django hello-world: the ceiling of the page benches, served by the same gunicorn
(`gunicorn hello:application --chdir bench`). Django's own defaults, DEBUG off, no database."""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="hello-world-bench-only",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)


def hello(request):
    return HttpResponse("Ciao, mondo!")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
