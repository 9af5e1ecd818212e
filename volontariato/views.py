import csv
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Min, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from collabcity.page_cache import cache_public_page, cache_shared_fragments
from collabcity.spreadsheets import csv_safe

from . import opendata, services
from .certificates import certificate_pdf
from .filters import OpportunityFilter
from .forms import (
    ApplicationForm,
    AttendanceForm,
    CertificateRequestForm,
    HoursForm,
    OpportunityForm,
    PreferencesForm,
    ShiftForm,
    StatusForm,
    TotalsForm,
    VerifyForm,
)
from .models import (
    Certificate,
    HoursLog,
    Opportunity,
    PartOfDay,
    Shift,
    Signup,
    StatusChange,
    Volunteer,
    Weekday,
)
from .reports import available_years, hours_totals

OPPORTUNITIES_PAGE_SIZE = 12
VOLUNTEERS_PAGE_SIZE = 25
SHIFTS_PAGE_SIZE = 25


def _volunteer_of(user) -> Volunteer | None:
    if not user.is_authenticated:
        return None
    return Volunteer.objects.filter(user=user).first()


def _error_message(request: HttpRequest, error: services.VolunteeringError) -> None:
    messages.error(request, " ".join(error.messages))


# Load-and-check: 404 when the object is not the user's to see, 403 when they may see it but
# not do this with it (volontariato.rules).


def _opportunity(
    request: HttpRequest, pk: int, permission: str, queryset=Opportunity.objects
) -> Opportunity:
    opportunity = get_object_or_404(queryset, pk=pk)
    if not request.user.has_perm("volontariato.see_opportunity", opportunity):
        raise Http404
    if not request.user.has_perm(permission, opportunity):
        raise PermissionDenied
    return opportunity


def _checked(request: HttpRequest, queryset, permission: str, **lookup):
    """For what only those who may act see: a shift's attendance, a signup, a certificate."""
    obj = get_object_or_404(queryset, **lookup)
    if not request.user.has_perm(permission, obj):
        raise Http404
    return obj


@cache_public_page
def index(request: HttpRequest) -> HttpResponse:
    """How civic volunteering works and how to join the register."""
    latest = (
        Opportunity.objects.published()
        .with_upcoming_shifts()
        .for_listing()
        .order_by("next_shift_at")[:3]
    )
    return render(
        request,
        "volontariato/index.html",
        {
            "latest": latest,
            "volunteer": _volunteer_of(request.user),
            "minimum_age": services.minimum_age(),
        },
    )


# --- Opportunities ---------------------------------------------------------------------------


@cache_public_page
def opportunity_list(request: HttpRequest) -> HttpResponse:
    opportunities = Opportunity.objects.published().with_upcoming_shifts().for_listing()
    filterset = OpportunityFilter(request.GET or None, queryset=opportunities)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Alcuni filtri non sono validi e sono stati ignorati."))
        filterset = OpportunityFilter(None, queryset=opportunities)
    filtered = filterset.qs
    volunteer = _volunteer_of(request.user)
    # Applicants see the matching first too: it helps them see what awaits them.
    personalised = volunteer is not None and volunteer.status != Volunteer.Status.CEASED
    if personalised:
        filtered = filtered.ranked_for(volunteer)
    else:
        filtered = filtered.order_by("next_shift_at", "pk")
    page = Paginator(filtered, OPPORTUNITIES_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "volontariato/opportunity_list.html",
        {"filter": filterset, "page": page, "personalised": personalised},
    )


@cache_public_page
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(
        request,
        pk,
        "volontariato.see_opportunity",
        # Not for_listing(): the skills are read by the shared intro, only when it is rendered.
        Opportunity.objects.select_related(
            "quartiere", "organisation", "centre", "agreement", "coordinator"
        ),
    )
    shifts = list(opportunity.shifts.upcoming().with_confirmed_count())
    volunteer = _volunteer_of(request.user)
    own = {}
    if volunteer is not None:
        for signup in Signup.objects.active().filter(volunteer=volunteer, shift__in=shifts):
            own[signup.shift_id] = signup
    for shift in shifts:
        shift.own_signup = own.get(shift.pk)
    return render(
        request,
        "volontariato/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "shifts": shifts,
            "volunteer": volunteer,
        },
    )


@login_required
@require_POST
def shift_signup(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(Shift.objects.select_related("opportunity"), pk=pk)
    if not request.user.has_perm("volontariato.see_opportunity", shift.opportunity):
        raise Http404
    volunteer = _volunteer_of(request.user)
    # Not volontariato.take_shifts: the service tells the volunteer why they may not take it.
    if volunteer is None:
        messages.info(request, _("Per iscriverti ai turni candidati prima come volontario civico."))
        return redirect("volontariato:apply")
    waiting = request.POST.get("lista_attesa") == "1"
    try:
        signup = services.sign_up(volunteer=volunteer, shift=shift, waiting_list=waiting)
    except services.AlreadySignedUpError as error:
        # Usually a second click on the same button: the first one already did it.
        messages.info(request, " ".join(error.messages))
    except services.VolunteeringError as error:
        _error_message(request, error)
    else:
        if signup.status == Signup.Status.CONFIRMED:
            messages.success(request, _("Sei iscritto al turno. Grazie!"))
        else:
            messages.success(
                request,
                _(
                    "Sei in lista d'attesa, in posizione %(position)s: ti avviseremo se si "
                    "libera un posto."
                )
                % {"position": signup.waiting_position},
            )
    return redirect(shift.opportunity)


@login_required
@require_POST
def signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    signup = _checked(
        request,
        Signup.objects.select_related("shift__opportunity", "volunteer"),
        "volontariato.cancel_signup",
        pk=pk,
    )
    try:
        services.cancel_signup(signup=signup)
    except services.VolunteeringError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("L'iscrizione al turno è annullata."))
    next_url = request.POST.get("next")
    if next_url == "opportunita":
        return redirect(signup.shift.opportunity)
    return redirect("volontariato:my_volunteering")


# --- Application and the volunteer's own page ------------------------------------------------


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    if _volunteer_of(request.user) is not None:
        messages.info(request, _("Hai già presentato la domanda di iscrizione."))
        return redirect("volontariato:my_volunteering")
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.apply(
                    user=request.user,
                    birth_date=data["birth_date"],
                    consent=data["consent"],
                    skills=data["skills"],
                    availability=data["availability"],
                    quartieri=data["quartieri"],
                    motivation=data["motivation"],
                    phone=data["phone"],
                )
            except services.ApplicationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("La tua candidatura è stata registrata: ti contatteremo per la formazione."),
                )
                return redirect("volontariato:my_volunteering")
        messages.error(request, _("La candidatura non è stata inviata: correggi i campi indicati."))
    return render(
        request,
        "volontariato/apply.html",
        {"form": form, "availability_rows": _availability_rows(form)},
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    volunteer = _volunteer_of(request.user)
    if volunteer is None:
        return redirect("volontariato:apply")
    initial = {
        "phone": volunteer.phone,
        "skills": list(volunteer.skills.all()),
        "availability": volunteer.availability,
        "quartieri": list(volunteer.quartieri.all()),
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_preferences(volunteer=volunteer, **form.cleaned_data)
            except services.VolunteeringError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Le tue preferenze sono state aggiornate."))
                return redirect("volontariato:my_volunteering")
        messages.error(request, _("Preferenze non salvate: correggi i campi indicati."))
    return render(
        request,
        "volontariato/preferences.html",
        {"form": form, "availability_rows": _availability_rows(form)},
    )


def _availability_rows(form) -> list[dict]:
    """The availability checkboxes as a weekday × part-of-day grid."""
    options = list(form["availability"])
    parts = len(PartOfDay)
    return [
        {
            "weekday": weekday.label,
            "options": list(
                zip(options[row * parts : (row + 1) * parts], PartOfDay.labels, strict=True)
            ),
        }
        for row, weekday in enumerate(Weekday)
    ]


@login_required
@cache_shared_fragments
def my_volunteering(request: HttpRequest) -> HttpResponse:
    volunteer = _volunteer_of(request.user)
    if volunteer is None:
        return redirect("volontariato:apply")
    now = timezone.now()
    signups = Signup.objects.filter(volunteer=volunteer).select_related(
        "shift__opportunity", "hours"
    )
    upcoming = signups.active().filter(shift__starts_at__gt=now).order_by("shift__starts_at")
    past = signups.confirmed().filter(shift__starts_at__lte=now).order_by("-shift__starts_at")[:50]
    confirmed = HoursLog.objects.filter(
        signup__volunteer=volunteer, status=HoursLog.Status.CONFIRMED
    )
    totals = services.confirmed_hours(
        volunteer=volunteer,
        period_from=timezone.localdate().replace(month=1, day=1),
        period_to=timezone.localdate(),
    )
    return render(
        request,
        "volontariato/my_volunteering.html",
        {
            "volunteer": volunteer,
            "upcoming": upcoming,
            "past": past,
            "hours_form": HoursForm(),
            "certificate_form": CertificateRequestForm(),
            "certificates": volunteer.certificates.all(),
            "year_totals": totals,
            "has_confirmed_hours": confirmed.exists(),
            "history": volunteer.history.all(),
            "now": now,
        },
    )


@login_required
@require_POST
def submit_hours(request: HttpRequest, pk: int) -> HttpResponse:
    signup = _checked(
        request,
        Signup.objects.select_related("shift__opportunity__coordinator", "volunteer"),
        "volontariato.submit_hours",
        pk=pk,
    )
    form = HoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ore non valide: indica un numero di ore, per esempio 2,5."))
        return redirect("volontariato:my_volunteering")
    try:
        services.submit_hours(
            signup=signup,
            hours=form.cleaned_data["hours"],
            note=form.cleaned_data["note"],
        )
    except services.VolunteeringError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("Ore inviate al coordinatore per la conferma."))
    return redirect("volontariato:my_volunteering")


@login_required
@require_POST
def certificate_request(request: HttpRequest) -> HttpResponse:
    volunteer = _volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    form = CertificateRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indica le date del periodo come gg/mm/aaaa."))
        return redirect("volontariato:my_volunteering")
    try:
        certificate = services.issue_certificate(
            volunteer=volunteer,
            period_from=form.cleaned_data["period_from"],
            period_to=form.cleaned_data["period_to"],
        )
    except services.VolunteeringError as error:
        _error_message(request, error)
    else:
        messages.success(
            request,
            _("Attestato rilasciato, codice di verifica %(code)s: puoi scaricarlo qui sotto.")
            % {"code": certificate.code},
        )
    return redirect("volontariato:my_volunteering")


@login_required
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _checked(
        request,
        Certificate.objects.select_related("volunteer"),
        "volontariato.download_certificate",
        code=code,
    )
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestato-{certificate.code}.pdf"'
    return response


def certificate_verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    certificate = None
    checked = False
    if form.is_bound and form.is_valid():
        checked = True
        certificate = Certificate.objects.filter(
            code=services.normalise_code(form.cleaned_data["code"])
        ).first()
    return render(
        request,
        "volontariato/certificate_verify.html",
        {"form": form, "certificate": certificate, "checked": checked},
    )


@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    volunteer = _volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    response = JsonResponse(
        services.export_personal_data(volunteer=volunteer),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="volontariato-miei-dati.json"'
    return response


@login_required
def cease(request: HttpRequest) -> HttpResponse:
    volunteer = _volunteer_of(request.user)
    if volunteer is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("conferma") != "1":
            messages.error(request, _("Per lasciare l'albo conferma la tua scelta."))
            return redirect("volontariato:cease")
        try:
            services.cease(volunteer=volunteer, by=request.user)
        except services.VolunteeringError as error:
            _error_message(request, error)
            return redirect("volontariato:my_volunteering")
        messages.success(
            request,
            _(
                "Non fai più parte dell'albo dei volontari civici: i tuoi dati sono stati "
                "cancellati."
            ),
        )
        return redirect("volontariato:index")
    return render(request, "volontariato/cease.html", {"volunteer": volunteer})


# --- Coordination ----------------------------------------------------------------------------


@login_required
@permission_required("volontariato.coordinate", raise_exception=True)
def coordination(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=60)
    show_all = request.GET.get("tutti") == "1" and request.user.has_perm(
        "volontariato.keep_register"
    )
    opportunities = (
        Opportunity.objects.all()
        if show_all
        else Opportunity.objects.filter(coordinator=request.user)
    )
    shifts = (
        Shift.objects.filter(opportunity__in=opportunities, starts_at__gte=since)
        .select_related("opportunity")
        .with_confirmed_count()
        .annotate(
            to_confirm=Subquery(
                HoursLog.objects.filter(
                    signup__shift=OuterRef("pk"), status=HoursLog.Status.SUBMITTED
                )
                .values("signup__shift")
                .annotate(n=Min("pk"))
                .values("n")[:1]
            )
        )
        .order_by("starts_at")
    )
    page = Paginator(shifts, SHIFTS_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "volontariato/coordination.html",
        {
            "page": page,
            "opportunities": opportunities.select_related("organisation").order_by(
                "-published", "title"
            ),
            "show_all": show_all,
            "now": timezone.now(),
        },
    )


@login_required
def shift_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _checked(
        request,
        Shift.objects.select_related("opportunity").with_confirmed_count(),
        "volontariato.confirm_hours",
        pk=pk,
    )
    signups = (
        shift.signups.active()
        .select_related("volunteer__user", "hours")
        .order_by("status", "created_at", "pk")
    )
    return render(
        request,
        "volontariato/shift_attendance.html",
        {"shift": shift, "signups": signups, "form": AttendanceForm()},
    )


@login_required
@require_POST
def record_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_object_or_404(
        Signup.objects.select_related("shift__opportunity", "volunteer__user"), pk=pk
    )
    if not request.user.has_perm("volontariato.confirm_hours", signup.shift):
        raise Http404
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dati non validi: scegli l'esito e indica le ore."))
    else:
        try:
            services.record_attendance(
                signup=signup,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                hours=form.cleaned_data["hours"],
                note=form.cleaned_data["note"],
            )
        except services.VolunteeringError as error:
            _error_message(request, error)
        else:
            messages.success(
                request,
                _("Registrato per %(name)s.") % {"name": signup.volunteer.display_name},
            )
    return redirect("volontariato:shift_attendance", pk=signup.shift_id)


# --- The register (staff) --------------------------------------------------------------------


@login_required
@permission_required("volontariato.keep_register", raise_exception=True)
def volunteer_list(request: HttpRequest) -> HttpResponse:
    volunteers = Volunteer.objects.select_related("user").exclude(status=Volunteer.Status.CEASED)
    status = request.GET.get("stato", "")
    if status in Volunteer.Status.values:
        volunteers = Volunteer.objects.select_related("user").filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        volunteers = volunteers.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__email__icontains=query)
        )
    page = Paginator(volunteers, VOLUNTEERS_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "volontariato/volunteer_list.html",
        {
            "page": page,
            "statuses": Volunteer.Status.choices,
            "status": status,
            "query": query,
        },
    )


@login_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _checked(
        request,
        Volunteer.objects.select_related("user").prefetch_related(
            "skills",
            "quartieri",
            Prefetch("history", queryset=StatusChange.objects.select_related("changed_by")),
        ),
        "volontariato.see_volunteer",
        pk=pk,
    )
    form = None
    choices = services.allowed_transitions(volunteer)
    if request.user.has_perm("volontariato.change_volunteer_status", volunteer) and choices:
        form = StatusForm(request.POST or None, volunteer=volunteer, choices=choices)
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.change_status(
                        volunteer=volunteer,
                        to_status=data["to_status"],
                        by=request.user,
                        insurance_from=data["insurance_from"],
                        insurance_to=data["insurance_to"],
                        training_notes=data["training_notes"],
                        note=data["note"],
                    )
                except services.VolunteeringError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Stato del volontario aggiornato."))
                    if data["to_status"] == Volunteer.Status.CEASED:
                        return redirect("volontariato:volunteer_list")
                    return redirect(volunteer)
            messages.error(request, _("Lo stato non è stato cambiato: correggi i campi indicati."))
    elif request.method == "POST":
        raise PermissionDenied
    signups = volunteer.signups.select_related("shift__opportunity", "hours").order_by(
        "-shift__starts_at"
    )
    if not request.user.has_perm("volontariato.keep_register"):
        signups = signups.filter(shift__opportunity__coordinator=request.user)
    return render(
        request,
        "volontariato/volunteer_detail.html",
        {"volunteer": volunteer, "form": form, "signups": signups[:100]},
    )


@login_required
@permission_required("volontariato.keep_register", raise_exception=True)
def totals(request: HttpRequest) -> HttpResponse:
    form = TotalsForm(request.GET or None)
    group, year = "volontario", None
    if form.is_bound:
        if form.is_valid():
            group = form.cleaned_data["per"] or group
            year = form.cleaned_data["anno"]
        else:
            messages.error(request, _("Filtri non validi: mostro i totali di tutti gli anni."))
            form = TotalsForm()
    rows = hours_totals(group=group, year=year)
    if request.GET.get("formato") == "csv":
        return _totals_csv(rows, group, year)
    return render(
        request,
        "volontariato/totals.html",
        {
            "form": form,
            "rows": rows,
            "group_label": dict(TotalsForm.GROUPS)[group],
            "group": group,
            "year": year,
            "years": available_years(),
        },
    )


@cache_public_page
def open_totals(request: HttpRequest, group: str) -> HttpResponse:
    """Confirmed hours by quartiere, proposing body or year: open data, no row names a person."""
    if group not in opendata.PUBLIC_GROUPS:
        raise Http404
    return _totals_csv(hours_totals(group=group), group, None)


def _totals_csv(rows: list[dict], group: str, year: int | None) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{year}" if year else ""
    response["Content-Disposition"] = f'attachment; filename="ore-volontariato-{group}{suffix}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the accents right
    writer = csv.writer(response)
    writer.writerow(
        [dict(TotalsForm.GROUPS)[group], _("Ore confermate"), _("Turni"), _("Volontari")]
    )
    for row in rows:
        writer.writerow([csv_safe(row["label"]), row["hours"], row["shifts"], row["volunteers"]])
    return response


# --- Posting opportunities and shifts --------------------------------------------------------


@login_required
@permission_required("volontariato.post_opportunity", raise_exception=True)
def opportunity_create(request: HttpRequest) -> HttpResponse:
    return _opportunity_form(request, Opportunity(coordinator=request.user))


@login_required
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk, "volontariato.edit_opportunity")
    return _opportunity_form(request, opportunity)


def _opportunity_form(request: HttpRequest, opportunity: Opportunity) -> HttpResponse:
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST":
        if form.is_valid():
            opportunity = form.save()
            messages.success(request, _("Opportunità salvata."))
            return redirect("volontariato:shift_add", pk=opportunity.pk)
        messages.error(request, _("L'opportunità non è stata salvata: correggi i campi indicati."))
    return render(
        request, "volontariato/opportunity_form.html", {"form": form, "opportunity": opportunity}
    )


@login_required
def shift_add(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity(request, pk, "volontariato.coordinate_opportunity")
    form = ShiftForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_shift(
                    opportunity=opportunity,
                    starts_at=_aware(data["day"], data["start"]),
                    ends_at=_aware(data["day"], data["end"]),
                    places=data["places"],
                )
            except services.VolunteeringError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Turno aggiunto."))
                return redirect("volontariato:shift_add", pk=opportunity.pk)
        messages.error(request, _("Il turno non è stato aggiunto: correggi i campi indicati."))
    shifts = opportunity.shifts.upcoming().with_confirmed_count()
    return render(
        request,
        "volontariato/shift_form.html",
        {"form": form, "opportunity": opportunity, "shifts": shifts},
    )


def _aware(day, moment):
    return timezone.make_aware(datetime.combine(day, moment))
