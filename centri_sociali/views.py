import itertools
from dataclasses import replace
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from collabcity.page_cache import cache_public_page

from . import calendar, ical, opendata, recurrence, services
from .filters import ActivityFilter, CentreFilter
from .forms import (
    ActivityForm,
    CancelOccurrenceForm,
    CentreContactsForm,
    MoveOccurrenceForm,
    OpeningHoursFormSet,
)
from .models import Activity, CalendarDate, Centre, Occurrence, OpeningHours, Registration

LIST_PAGE_SIZE = 25
CENTRE_UPCOMING_DAYS = 30
CENTRE_UPCOMING_SHOWN = 20
ACTIVITY_UPCOMING_DAYS = 120
MANAGER_UPCOMING_DAYS = 28
# The parameters that choose what the calendar shows, not which activities: feeds drop them.
VIEW_PARAMETERS = {"vista", "data", "pagina"}


# --- the network of centres -----------------------------------------------------------------


@cache_public_page
def centre_list(request: HttpRequest) -> HttpResponse:
    def listing() -> dict:
        # One query for the facilities of every centre: the table's column and the filter's list.
        links = Centre.facilities.through.objects.values_list(
            "centre_id", "facility__slug", "facility__name"
        ).order_by("facility__name")
        facilities_of: dict[int, list[str]] = {}
        offered: dict[str, str] = {}
        for centre_id, slug, name in links:
            facilities_of.setdefault(centre_id, []).append(name)
            offered[slug] = name
        filterset = CentreFilter(
            request.GET, queryset=Centre.objects.all(), facility_choices=list(offered.items())
        )
        centres = (
            list(
                filterset.qs.for_listing().order_by(
                    F("quartiere__ambito__code").asc(nulls_last=True), "name"
                )
            )
            if filterset.is_valid()
            else []
        )
        for centre in centres:
            centre.facility_names = facilities_of.get(centre.pk, [])
        return {"centres": centres, "filter": filterset, "markers": map_markers(centres)}

    # Read only when the page's shared part is rendered, not when it comes from the cache.
    return render(
        request,
        "centri_sociali/centre_list.html",
        {
            "listing": SimpleLazyObject(listing),
            "manages_any": Centre.objects.managed_by(request.user).exists(),
        },
    )


@cache_public_page
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return opendata.csv_response()


@cache_public_page
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    return opendata.json_response()


def map_markers(centres) -> list[dict]:
    return [
        {
            "name": centre.name,
            "address": centre.address,
            "url": centre.get_absolute_url(),
            "lat": float(centre.latitude),
            "lng": float(centre.longitude),
        }
        for centre in centres
        if centre.has_position
    ]


def _weekly_hours(centre: Centre) -> list[tuple[str, list[OpeningHours]]]:
    by_day: dict[int, list[OpeningHours]] = {}
    for hours in centre.opening_hours.all():
        by_day.setdefault(hours.weekday, []).append(hours)
    return [(label, by_day.get(day, [])) for day, label in OpeningHours.Weekday.choices]


def _feed_links(request: HttpRequest, path: str) -> dict[str, str]:
    https = request.build_absolute_uri(path)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@cache_public_page
def centre_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # One centre: its rooms, hours and facilities are read by the page's shared part, only when
    # it is rendered rather than taken from the cache.
    centre = get_object_or_404(Centre.objects.for_listing(), slug=slug)
    # Staff who keep the city data see which facts still lack a source; citizens see only
    # the facts, each stated by the sources listed at the foot of the page.
    may_verify = request.user.has_perm("centri_sociali.change_centre")
    now = timezone.now()
    upcoming = (
        CalendarDate.objects.public()
        .filter(centre=centre)
        .overlapping(now, now + timedelta(days=CENTRE_UPCOMING_DAYS))
    )
    # Read only when the page's shared part is rendered, not when it comes from the cache.
    slots = SimpleLazyObject(lambda: calendar.slots(upcoming, CENTRE_UPCOMING_SHOWN))
    following = request.user.is_authenticated and centre.follows.filter(user=request.user).exists()
    return render(
        request,
        "centri_sociali/centre_detail.html",
        {
            "centre": centre,
            "slots": slots,
            "hours": SimpleLazyObject(lambda: _weekly_hours(centre)),
            "markers": map_markers([centre]),
            "following": following,
            "feed": _feed_links(request, reverse("centri_sociali:centre_feed", args=[slug])),
            "may_verify": may_verify,
            "to_verify": set(centre.unverified_facts()) if may_verify else set(),
        },
    )


@permission_required("centri_sociali.follow_centre")
@require_POST
def centre_follow(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_object_or_404(Centre, slug=slug)
    if request.POST.get("action") == "unfollow":
        services.unfollow_centre(centre=centre, user=request.user)
        messages.success(request, _("Non segui più %(centre)s.") % {"centre": centre.name})
    else:
        services.follow_centre(centre=centre, user=request.user)
        messages.success(
            request,
            _("Ora segui %(centre)s: ti avviseremo se un'attività viene sospesa o spostata.")
            % {"centre": centre.name},
        )
    return redirect(centre)


# --- the city calendar ----------------------------------------------------------------------


@cache_public_page
def city_calendar(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("vista")
    if view not in calendar.VIEWS:
        view = calendar.MONTH
    anchor = parse_date(request.GET.get("data") or "") or timezone.localdate()
    filterset = ActivityFilter(request.GET, queryset=Activity.objects.published())
    if filterset.is_valid():
        cleaned = filterset.form.cleaned_data
        days = {"since": cleaned["dal"], "until": cleaned["al"]}
        window = calendar.Window.of(view, anchor, **days)
        dates = calendar.starting_in(filterset.dates(), window, **days)
    else:
        window, dates = calendar.Window.of(view, anchor), CalendarDate.objects.none()
    context = {
        "filter": filterset,
        "view": view,
        "view_choices": calendar.VIEW_CHOICES,
        "weekday_names": [label for _day, label in OpeningHours.Weekday.choices],
        "first": window.first,
        "last": window.last,
        "feed": _calendar_feed_links(request),
    }
    if view == calendar.LIST:
        page = Paginator(dates.for_display(), LIST_PAGE_SIZE).get_page(request.GET.get("pagina"))
        page.object_list = [recurrence.slot_from_date(date) for date in page.object_list]
        context["page"], context["slot_count"] = page, page.paginator.count
    else:
        grouped = calendar.by_day(dates, calendar.per_day(window))
        context["slot_count"] = calendar.total(grouped)
        context["previous"], context["next"] = window.previous, window.next
        if view == calendar.MONTH:
            context["weeks"] = calendar.month_weeks(window, grouped)
        else:
            context["days"] = calendar.days(window, grouped)
    return render(request, "centri_sociali/calendar.html", context)


def _calendar_feed_links(request: HttpRequest) -> dict[str, str]:
    query = request.GET.copy()
    for name in VIEW_PARAMETERS:
        query.pop(name, None)
    path = reverse("centri_sociali:calendar_feed")
    if query:
        path += "?" + query.urlencode()
    return _feed_links(request, path)


# --- feeds ----------------------------------------------------------------------------------


def _feed_response(request: HttpRequest, activities, name: str) -> HttpResponse:
    body = ical.build_calendar(activities, name=name, absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendario.ics"'
    return response


@cache_public_page
def centre_feed(request: HttpRequest, slug: str) -> HttpResponse:
    centre = get_object_or_404(Centre, slug=slug)
    return _feed_response(request, Activity.objects.filter(centre=centre), centre.name)


@cache_public_page
def category_feed(request: HttpRequest, category: str) -> HttpResponse:
    if category not in Activity.Category.values:
        raise Http404
    label = Activity.Category(category).label
    return _feed_response(
        request,
        Activity.objects.filter(category=category),
        _("Centri sociali e case di quartiere – %(category)s") % {"category": label},
    )


@cache_public_page
def calendar_feed(request: HttpRequest) -> HttpResponse:
    filterset = ActivityFilter(request.GET, queryset=Activity.objects.all())
    if not filterset.is_valid():
        return HttpResponse(
            _("Filtri non validi: %(errors)s") % {"errors": filterset.errors.as_text()},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return _feed_response(
        request, filterset.qs, _("Calendario dei centri sociali e delle case di quartiere")
    )


# --- activities and registrations -----------------------------------------------------------


@cache_public_page
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        Activity.objects.published().select_related("centre__quartiere", "room"), pk=pk
    )
    now = timezone.now()
    slots = calendar.slots(
        activity.dates.overlapping(now, now + timedelta(days=ACTIVITY_UPCOMING_DAYS))
    )
    return render(
        request, "centri_sociali/activity_detail.html", {"activity": activity, "slots": slots}
    )


def _slot_or_404(pk: int, key: str):
    original_start = recurrence.parse_occurrence_key(key)
    if original_start is None:
        raise Http404
    activity = get_object_or_404(
        Activity.objects.published().select_related("centre__quartiere", "room"), pk=pk
    )
    try:
        return services.get_slot(activity=activity, original_start=original_start)
    except services.ActivityError as error:
        raise Http404 from error


@cache_public_page
def occurrence_detail(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    slot = _slot_or_404(pk, key)
    activity = slot.activity
    confirmed = waiting = 0
    mine = None
    if slot.occurrence is not None:
        confirmed, waiting = slot.occurrence.registrations.tally()
        if request.user.is_authenticated:
            mine = slot.occurrence.registrations.active().filter(user=request.user).first()
    places_left = None if activity.capacity is None else max(activity.capacity - confirmed, 0)
    return render(
        request,
        "centri_sociali/occurrence_detail.html",
        {
            "slot": slot,
            "activity": activity,
            "confirmed": confirmed,
            "waiting": waiting,
            "places_left": places_left,
            "mine": mine,
            "is_past": slot.start <= timezone.now(),
        },
    )


@permission_required("centri_sociali.register_for_activity")
@require_POST
def occurrence_register(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    slot = _slot_or_404(pk, key)
    try:
        registration = services.register(
            activity=slot.activity, original_start=slot.original_start, user=request.user
        )
    except services.RegistrationError as error:
        messages.error(request, error.messages[0])
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("Iscrizione confermata: ti aspettiamo!"))
        else:
            messages.warning(
                request,
                _(
                    "I posti sono esauriti: sei in lista d'attesa. Se qualcuno rinuncia "
                    "il posto passa a te e ti avvisiamo."
                ),
            )
    return redirect(slot.get_absolute_url())


@permission_required("centri_sociali.register_for_activity")
@require_POST
def occurrence_unregister(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    slot = _slot_or_404(pk, key)
    registration = get_object_or_404(
        Registration.objects.active(),
        occurrence__activity=slot.activity,
        occurrence__original_start=slot.original_start,
        user=request.user,
    )
    try:
        services.cancel_registration(registration=registration)
    except services.RegistrationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("La tua iscrizione è stata annullata."))
    return redirect(slot.get_absolute_url())


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    registrations = Registration.objects.active().upcoming_for(request.user)
    slots = [
        (
            registration,
            recurrence.slot_from_occurrence(
                registration.occurrence.activity, registration.occurrence
            ),
        )
        for registration in registrations
    ]
    follows = request.user.centre_follows.select_related("centre").order_by("centre__name")
    return render(
        request,
        "centri_sociali/my_registrations.html",
        {"registrations": slots, "follows": follows},
    )


# --- the managers' page ---------------------------------------------------------------------


def _managed_centre(request: HttpRequest, slug: str) -> Centre:
    """The centre, if the user may manage it: for anybody else its managers' page does not
    exist (404), whatever they ask of it."""
    centre = get_object_or_404(Centre, slug=slug)
    if not request.user.has_perm("centri_sociali.manage_centre", centre):
        raise Http404
    return centre


def _managed_activity(centre: Centre, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("room", "centre"), pk=pk, centre=centre
    )


def _managed_slot(centre: Centre, pk: int, key: str):
    activity = _managed_activity(centre, pk)
    original_start = recurrence.parse_occurrence_key(key)
    if original_start is None:
        raise Http404
    try:
        return services.get_slot(activity=activity, original_start=original_start)
    except services.ActivityError as error:
        raise Http404 from error


@login_required
def manage_index(request: HttpRequest) -> HttpResponse:
    centres = list(Centre.objects.managed_by(request.user).order_by("name"))
    if len(centres) == 1:
        return redirect("centri_sociali:manage_centre", slug=centres[0].slug)
    return render(request, "centri_sociali/manage/index.html", {"centres": centres})


@login_required
def manage_centre(request: HttpRequest, slug: str) -> HttpResponse:
    centre = _managed_centre(request, slug)
    window = calendar.Window.upcoming(MANAGER_UPCOMING_DAYS)
    slots = calendar.slots(calendar.starting_in(CalendarDate.objects.filter(centre=centre), window))
    # The stored occurrences of those dates: their notes and registrations.
    occurrences = {
        (occurrence.activity_id, occurrence.original_start): occurrence
        for occurrence in Occurrence.objects.filter(
            activity__centre=centre, original_start__in={slot.original_start for slot in slots}
        )
    }
    slots = [
        replace(slot, occurrence=occurrences.get((slot.activity.pk, slot.original_start)))
        for slot in slots
    ]
    counts = Registration.objects.active().count_by_occurrence(
        [slot.occurrence for slot in slots if slot.occurrence]
    )

    def registered(slot) -> int:
        return counts.get(slot.occurrence.pk, 0) if slot.occurrence else 0

    days = [
        (day, [(slot, registered(slot)) for slot in group])
        for day, group in itertools.groupby(slots, key=lambda slot: slot.local_start.date())
    ]
    series = (
        Activity.objects.filter(centre=centre).not_ended().select_related("room").order_by("title")
    )
    return render(
        request,
        "centri_sociali/manage/centre.html",
        {"centre": centre, "days": days, "series": series},
    )


def _save_activity_form(request, centre, form, activity=None):
    if not form.is_valid():
        messages.error(request, _("L'attività non è stata salvata: leggi i messaggi in rosso."))
        return None
    try:
        saved = services.save_activity(activity=form.activity)
    except services.ActivityError as error:
        form.add_error(None, error.messages[0])
        messages.error(request, _("L'attività non è stata salvata: leggi i messaggi in rosso."))
        return None
    return saved


@login_required
def manage_activity_create(request: HttpRequest, slug: str) -> HttpResponse:
    centre = _managed_centre(request, slug)
    form = ActivityForm(request.POST or None, centre=centre)
    if request.method == "POST":
        activity = _save_activity_form(request, centre, form)
        if activity is not None:
            messages.success(
                request, _("«%(title)s» è nel calendario.") % {"title": activity.title}
            )
            return redirect("centri_sociali:manage_centre", slug=centre.slug)
    return render(
        request, "centri_sociali/manage/activity_form.html", {"centre": centre, "form": form}
    )


@login_required
def manage_activity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre = _managed_centre(request, slug)
    activity = _managed_activity(centre, pk)
    form = ActivityForm(request.POST or None, centre=centre, activity=activity)
    if request.method == "POST":
        saved = _save_activity_form(request, centre, form, activity)
        if saved is not None:
            messages.success(request, _("Modifiche salvate."))
            return redirect("centri_sociali:manage_centre", slug=centre.slug)
        # The form changed the instance before the service refused it: show what was stored.
        activity.refresh_from_db()
    return render(
        request,
        "centri_sociali/manage/activity_form.html",
        {"centre": centre, "form": form, "activity": activity},
    )


@login_required
@require_POST
def manage_activity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    centre = _managed_centre(request, slug)
    activity = _managed_activity(centre, pk)
    try:
        services.delete_activity(activity=activity)
    except services.ActivityError as error:
        messages.error(request, error.messages[0])
        return redirect("centri_sociali:manage_activity_edit", slug=centre.slug, pk=activity.pk)
    messages.success(
        request, _("«%(title)s» è stata tolta dal calendario.") % {"title": activity.title}
    )
    return redirect("centri_sociali:manage_centre", slug=centre.slug)


@login_required
def manage_occurrence_cancel(request: HttpRequest, slug: str, pk: int, key: str) -> HttpResponse:
    centre = _managed_centre(request, slug)
    slot = _managed_slot(centre, pk, key)
    form = CancelOccurrenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_occurrence(
                activity=slot.activity,
                original_start=slot.original_start,
                note=form.cleaned_data["note"],
            )
        except services.ActivityError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("Lezione sospesa: %(when)s. Chi si era iscritto riceve un avviso.")
                % {"when": services.describe_slot(slot)},
            )
        return redirect("centri_sociali:manage_centre", slug=centre.slug)
    return render(
        request,
        "centri_sociali/manage/occurrence_cancel.html",
        {"centre": centre, "slot": slot, "form": form},
    )


@login_required
@require_POST
def manage_occurrence_restore(request: HttpRequest, slug: str, pk: int, key: str) -> HttpResponse:
    centre = _managed_centre(request, slug)
    slot = _managed_slot(centre, pk, key)
    try:
        services.restore_occurrence(activity=slot.activity, original_start=slot.original_start)
    except services.ActivityError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("La data è di nuovo in calendario."))
    return redirect("centri_sociali:manage_centre", slug=centre.slug)


@login_required
def manage_occurrence_move(request: HttpRequest, slug: str, pk: int, key: str) -> HttpResponse:
    centre = _managed_centre(request, slug)
    slot = _managed_slot(centre, pk, key)
    initial = {
        "day": slot.local_start.date(),
        "start_time": slot.local_start.time(),
        "end_time": slot.local_end.time(),
        "room": slot.room.pk if slot.room else None,
    }
    form = MoveOccurrenceForm(request.POST or None, centre=centre, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.move_occurrence(
                    activity=slot.activity,
                    original_start=slot.original_start,
                    starts_at=form.starts_at,
                    ends_at=form.ends_at,
                    room=form.cleaned_data["room"],
                    note=form.cleaned_data["note"],
                )
            except services.ActivityError as error:
                form.add_error(None, error.messages[0])
            else:
                messages.success(request, _("Data spostata. Chi si era iscritto riceve un avviso."))
                return redirect("centri_sociali:manage_centre", slug=centre.slug)
        messages.error(request, _("La data non è stata spostata: leggi i messaggi in rosso."))
    return render(
        request,
        "centri_sociali/manage/occurrence_move.html",
        {"centre": centre, "slot": slot, "form": form},
    )


@login_required
def manage_occurrence_registrations(
    request: HttpRequest, slug: str, pk: int, key: str
) -> HttpResponse:
    centre = _managed_centre(request, slug)
    slot = _managed_slot(centre, pk, key)
    registrations = (
        slot.occurrence.registrations.active().select_related("user").order_by("created_at", "pk")
        if slot.occurrence
        else []
    )
    return render(
        request,
        "centri_sociali/manage/registrations.html",
        {
            "centre": centre,
            "slot": slot,
            "confirmed": [r for r in registrations if r.status == Registration.Status.CONFIRMED],
            "waiting": [r for r in registrations if r.status == Registration.Status.WAITING],
        },
    )


@login_required
def manage_centre_edit(request: HttpRequest, slug: str) -> HttpResponse:
    centre = _managed_centre(request, slug)
    form = CentreContactsForm(request.POST or None, instance=centre, prefix="centro")
    hours = OpeningHoursFormSet(request.POST or None, instance=centre, prefix="orari")
    if request.method == "POST":
        if form.is_valid() and hours.is_valid():
            with transaction.atomic():
                form.save()
                hours.save()
            messages.success(request, _("Contatti e orari aggiornati."))
            return redirect("centri_sociali:manage_centre", slug=centre.slug)
        messages.error(
            request, _("Le modifiche non sono state salvate: leggi i messaggi in rosso.")
        )
    return render(
        request,
        "centri_sociali/manage/centre_form.html",
        {"centre": centre, "form": form, "hours": hours},
    )
