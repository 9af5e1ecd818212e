from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from collabcity.models import Ambito, Quartiere
from collabcity.page_cache import cache_public_page

from . import services
from .forms import OpinionDraftForm
from .models import Council, Election, Meeting, Member, OpinionRequest
from .rules import has_office_perm


@cache_public_page
def index(request: HttpRequest) -> HttpResponse:
    """What the consulte are, and the nine councils with the quartieri each represents."""
    today = timezone.localdate()
    in_office = Q(council__members__term_start__lte=today) & (
        Q(council__members__term_end__isnull=True) | Q(council__members__term_end__gte=today)
    )
    ambiti = (
        Ambito.objects.select_related("council")
        .prefetch_related(Prefetch("quartieri", queryset=Quartiere.objects.order_by("name")))
        .annotate(members_in_office=Count("council__members", filter=in_office))
        .order_by("code")
    )
    return render(
        request,
        "consulte/index.html",
        {"ambiti": ambiti, "my_councils": services.councils_of(user=request.user)},
    )


@cache_public_page
def council_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The elections include (consulte/includes/council_elections.html) reads every election with
    # its result: fetched here in one query so the page stays constant however many there are.
    elections = Prefetch(
        "elections", queryset=Election.objects.select_related("result", "ballot_box")
    )
    council = get_object_or_404(
        Council.objects.for_listing().prefetch_related(elections), slug=slug
    )
    members = list(services.current_members(council))
    now = timezone.now()
    meetings = list(council.meetings.order_by("starts_at"))
    documents = list(council.programming_documents.all())
    current_patto = services.current_programming_document(documents)
    requests_ = services.with_deadline_state(council.opinion_requests.order_by("-requested_on"))
    return render(
        request,
        "consulte/council_detail.html",
        {
            "council": council,
            "quartieri": council.ambito.quartieri.order_by("name"),
            "elected": services.sort_by_role([m for m in members if m.kind == Member.Kind.ELECTED]),
            "designated": services.sort_by_role(
                [m for m in members if m.kind == Member.Kind.DESIGNATED]
            ),
            "upcoming_meetings": [m for m in meetings if m.starts_at >= now],
            "past_meetings": [m for m in reversed(meetings) if m.starts_at < now],
            "current_patto": current_patto,
            "other_patti": [d for d in documents if d != current_patto],
            "open_requests": [r for r in requests_ if r.status != OpinionRequest.Status.PUBLISHED],
            "published_opinions": sorted(
                (r for r in requests_ if r.status == OpinionRequest.Status.PUBLISHED),
                key=lambda r: r.published_at,
                reverse=True,
            ),
        },
    )


@cache_public_page
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.select_related("council__ambito"), council__slug=slug, pk=pk
    )
    return render(
        request,
        "consulte/meeting_detail.html",
        {
            "meeting": meeting,
            "council": meeting.council,
            "upcoming": meeting.starts_at >= timezone.now(),
        },
    )


@cache_public_page
def opinion_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The Comune's request is public from the start; the opinion only once published."""
    opinion_request = _get_request(slug, pk)
    council = opinion_request.council
    services.with_deadline_state([opinion_request])
    return render(
        request,
        "consulte/opinion_detail.html",
        {
            "opinion_request": opinion_request,
            "council": council,
        },
    )


@login_required
def council_mine(request: HttpRequest) -> HttpResponse:
    """A councillor's desk: the open requests of the councils they sit on."""
    if not has_office_perm(request.user, "consulte.work_as_councillor"):
        raise PermissionDenied(
            _("Questa pagina è riservata ai componenti in carica delle consulte.")
        )
    councils = services.councils_of(user=request.user)
    open_by_council = [
        (council, services.with_deadline_state(council.opinion_requests.open()))
        for council in councils
    ]
    return render(request, "consulte/council_mine.html", {"open_by_council": open_by_council})


@login_required
def opinion_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    opinion_request = _get_request(slug, pk)
    council = opinion_request.council
    # The request is public (its page is): who may not draft it is told so, 403.
    if not has_office_perm(request.user, "consulte.draft_opinion", opinion_request):
        raise PermissionDenied(_("Solo i componenti in carica della consulta redigono il parere."))
    if opinion_request.status == OpinionRequest.Status.PUBLISHED:
        messages.info(request, _("Il parere è già stato pubblicato: non si può più modificare."))
        return redirect(services.public_url(opinion_request))

    conflict = None
    if request.method == "POST":
        form = OpinionDraftForm(request.POST, opinion_request=opinion_request)
        if form.is_valid():
            try:
                return _apply(request, form, opinion_request)
            except services.OpinionError as error:
                messages.error(request, error.message)
                opinion_request.refresh_from_db()
                if error.code == "published":
                    return redirect(services.public_url(opinion_request))
                if error.code == "stale":
                    # Keep the drafter's text, show the colleague's, and let a new save knowingly
                    # replace it: the form now carries the version the drafter has just seen.
                    conflict = opinion_request
                    form = _form_with_text(opinion_request, form.cleaned_data["opinion"])
        else:
            messages.error(request, _("Il parere non è stato salvato: correggi i campi indicati."))
    else:
        form = _form_with_text(opinion_request, opinion_request.opinion)
    services.with_deadline_state([opinion_request])
    return render(
        request,
        "consulte/opinion_edit.html",
        {
            "opinion_request": opinion_request,
            "council": council,
            "form": form,
            "conflict": conflict,
        },
    )


def _apply(request: HttpRequest, form: OpinionDraftForm, opinion_request: OpinionRequest):
    arguments = {
        "opinion_request": opinion_request,
        "user": request.user,
        "text": form.cleaned_data["opinion"],
        "version": form.cleaned_data["version"],
    }
    if form.transmits:
        services.transmit_opinion(**arguments)
        messages.success(request, _("Il parere è stato trasmesso al Comune ed è ora pubblico."))
        return redirect(services.public_url(opinion_request))
    services.save_draft(**arguments)
    messages.success(request, _("La bozza del parere è stata salvata."))
    return redirect(services.edit_url(opinion_request))


def _form_with_text(opinion_request: OpinionRequest, text: str) -> OpinionDraftForm:
    return OpinionDraftForm(
        opinion_request=opinion_request,
        initial={"opinion": text, "version": services.version_of(opinion_request)},
    )


def _get_request(slug: str, pk: int) -> OpinionRequest:
    return get_object_or_404(
        OpinionRequest.objects.select_related("council__ambito", "drafted_by"),
        council__slug=slug,
        pk=pk,
    )
