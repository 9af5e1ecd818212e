from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import files, notifications, opendata_catalogue, registry
from .celery import app as celery_app
from .forms import ProfileForm, QuartiereFinderForm
from .models import Ambito, Notification, Quartiere, User
from .page_cache import cache_public_page, cache_shared_fragments, kept_for_person
from .pagination import page_with_total

INBOX_PAGE_SIZE = 20


@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "collabcity/home.html",
        {
            "finder": QuartiereFinderForm(),
            "ambiti": Ambito.objects.with_quartieri(),
            # Read only when the shared fragment is rendered, not when it comes from the cache.
            "programmes": SimpleLazyObject(lambda: registry.render_sections("home", request)),
        },
    )


@cache_public_page
def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    return render(
        request,
        f"collabcity/legal/{page}.html",
        {
            "contact_email": settings.CONTACT_EMAIL,
            "privacy_version": settings.PRIVACY_NOTICE_VERSION,
        },
    )


@cache_public_page
def quartiere_list(request: HttpRequest) -> HttpResponse:
    finder = QuartiereFinderForm(request.GET or None)
    if finder.is_bound:
        if finder.is_valid():
            return redirect(finder.cleaned_data["quartiere"])
        messages.error(request, finder.errors["quartiere"][0])
    return render(
        request,
        "collabcity/quartiere_list.html",
        {"finder": QuartiereFinderForm(), "ambiti": Ambito.objects.with_quartieri()},
    )


@cache_public_page
def quartiere_detail(request: HttpRequest, slug: str) -> HttpResponse:
    quartiere = get_object_or_404(Quartiere.objects.select_related("ambito"), slug=slug)
    return render(
        request,
        "collabcity/quartiere_detail.html",
        {
            "quartiere": quartiere,
            "neighbours": quartiere.ambito.quartieri.exclude(pk=quartiere.pk).order_by("name"),
            "organisations": quartiere.organisations.order_by("name"),
            "programmes": SimpleLazyObject(
                lambda: registry.render_sections("quartiere", request, quartiere)
            ),
        },
    )


@login_required
@cache_shared_fragments
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Il tuo profilo è stato aggiornato."))
            return redirect("profile")
        messages.error(request, _("Il profilo non è stato salvato: correggi i campi indicati."))
        own = _profile_parts(request.user, form)
    else:
        own = kept_for_person(request, "profile", lambda: _fresh_profile_parts(request.user.pk))
    return render(request, "collabcity/profile.html", own)


def _fresh_profile_parts(user_id: int) -> dict:
    # The person read again after the version: request.user was read before it (by
    # login_required), and a change that moved the version in between would be kept under it.
    person = User.objects.get(pk=user_id)
    return _profile_parts(person, ProfileForm(instance=person))


def _profile_parts(user, form: ProfileForm) -> dict:
    """The person's own parts of the profile page. Made only of tracked tables (their row, their
    muted topics, their seats and roles, the quartieri), so that a GET keeps them under the page
    version: the page then costs what any signed-in page does."""
    return {
        "working_areas": registry.working_areas(user),
        "form_fields": render_to_string("collabcity/profile_fields.html", {"form": form}),
    }


# Raw SQL on purpose: compiling the page's query through the ORM took longer than running it,
# on a page every signed-in person opens. NotificationQuerySet.delivered() in the model's order
# (a test compares the two).
INBOX_PAGE_SQL = (
    "SELECT n.*, count(*) OVER () AS rows_in_all FROM collabcity_notification n"
    " WHERE n.recipient_id = %s AND n.delivered_at IS NOT NULL"
    " ORDER BY n.created_at DESC, n.id DESC LIMIT %s OFFSET %s"
)


@login_required
@cache_shared_fragments
def inbox(request: HttpRequest) -> HttpResponse:
    delivered = Notification.objects.filter(recipient=request.user).delivered()

    def read_rows(offset: int, limit: int) -> list[Notification]:
        return list(Notification.objects.raw(INBOX_PAGE_SQL, [request.user.pk, limit, offset]))

    page = page_with_total(
        delivered, request.GET.get("pagina"), INBOX_PAGE_SIZE, read_rows=read_rows
    )
    return render(request, "collabcity/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    raw_id = request.POST.get("notification")
    if raw_id is None:
        notifications.mark_read(user=request.user)
        messages.success(request, _("Tutte le notifiche sono segnate come lette."))
    elif raw_id.isdigit():
        notifications.mark_read(user=request.user, notification_ids=[int(raw_id)])
    else:
        messages.error(request, _("Notifica non valida."))
    return redirect("inbox")


def _broker_state() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return "unavailable"
    return "ok"


@never_cache
@require_GET
def private_file(request: HttpRequest, name: str) -> FileResponse:
    """A file of the private storage, for staff with the permission its folder asks for."""
    # A file one may not download is a file that does not exist: its name is not confirmed.
    if not request.user.has_perm("collabcity.download_private_file", name):
        raise Http404
    storage = files.private_storage()
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation) as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=name.rsplit("/", 1)[-1])


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """State of the services for load balancers: 503 only when the database is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"database": database, "broker": _broker_state()}, status=status)


@cache_public_page
def opendata(request: HttpRequest) -> HttpResponse:
    """Every dataset the portal publishes, with its licence, updates and files."""
    return render(
        request,
        "collabcity/dati.html",
        {
            "datasets": [
                {
                    "dataset": dataset,
                    "modified": opendata_catalogue.last_modified(dataset),
                    "frequency": opendata_catalogue.FREQUENCIES[dataset.frequency],
                    "theme": opendata_catalogue.THEMES[dataset.theme],
                }
                for dataset in opendata_catalogue.datasets()
            ],
            "publisher": opendata_catalogue.publisher(),
            "licence_name": opendata_catalogue.LICENCE_NAME,
            "licence_url": opendata_catalogue.LICENCE_DEED,
        },
    )


RDF_MEDIA_TYPES = {"turtle": "text/turtle", "xml": "application/rdf+xml"}


@cache_public_page
@require_GET
def opendata_rdf(request: HttpRequest, fmt: str) -> HttpResponse:
    """The same catalogue in DCAT-AP_IT, for the national catalogue to harvest."""
    # The metadata are in Italian whatever language the person browsing chose.
    with translation.override("it"):
        graph = opendata_catalogue.build_catalogue(
            opendata_catalogue.datasets(),
            absolute_url=request.build_absolute_uri,
            owner=opendata_catalogue.publisher(),
        )
        body = graph.serialize(format=fmt, encoding="utf-8")
    return HttpResponse(body, content_type=f"{RDF_MEDIA_TYPES[fmt]}; charset=utf-8")
