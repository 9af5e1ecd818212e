"""The proposals' pages: calls, the public list and map, a proposal's page with its discussion,
the proposer's drafting, and the staff's evaluation and moderation on the same page."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accordi import opendata
from accordi.models import (
    Call,
    Proposal,
    ProposalAttachment,
    ProposalComment,
    ProposalStatusChange,
)
from accordi.services import representative_party
from collabcity.page_cache import cache_public_page
from consulte.services import is_late, public_url

from . import services
from .filters import ProposalFilter
from .forms import (
    CommentForm,
    DecisionForm,
    EvaluationForm,
    ProposalForm,
    ReasonForm,
    ReportForm,
)

PAGE_SIZE = 12
# The consulta has a month to give its opinion unless the officer chooses otherwise.
DEFAULT_OPINION_DAYS = 30


def _readable(request: HttpRequest, pk: int, queryset=None) -> Proposal:
    """The proposal, if this person may see it; 404 otherwise (others' drafts do not exist)."""
    proposal = get_object_or_404(queryset if queryset is not None else Proposal.objects, pk=pk)
    if not request.user.has_perm("accordi.read_proposal", proposal):
        raise Http404
    return proposal


def _require_officer(request: HttpRequest) -> None:
    if not request.user.has_perm("accordi.evaluate_proposals"):
        raise PermissionDenied


def _error(request: HttpRequest, error: services.ProposalError) -> None:
    for message in error.messages:
        messages.error(request, message)


# -- Calls ----------------------------------------------------------------------------------


@cache_public_page
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    calls = list(Call.objects.published().prefetch_related("ambiti").order_by("closes_on"))
    return render(
        request,
        "accordi/proposals/call_list.html",
        {
            "open_calls": [call for call in calls if call.phase(today) == "open"],
            "upcoming_calls": [call for call in calls if call.phase(today) == "upcoming"],
            "closed_calls": sorted(
                (call for call in calls if call.phase(today) == "closed"),
                key=lambda call: call.closes_on,
                reverse=True,
            ),
        },
    )


@cache_public_page
@require_GET
def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = get_object_or_404(
        Call.objects.published().prefetch_related("ambiti", "offered_centres"), slug=slug
    )
    proposals = call.proposals.public().for_listing().with_support_count()
    return render(
        request,
        "accordi/proposals/call_detail.html",
        {
            "call": call,
            "phase": call.phase(timezone.localdate()),
            "proposals": proposals,
        },
    )


# -- The public side ------------------------------------------------------------------------


def _filtered(request: HttpRequest, queryset) -> ProposalFilter:
    return ProposalFilter(request.GET, queryset=queryset, request=request)


@cache_public_page
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    proposals = _filtered(request, Proposal.objects.public().for_listing().with_support_count())
    page = Paginator(proposals.qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "accordi/proposals/proposal_list.html",
        {"filter": proposals, "page": page, "open_calls": Call.objects.open()},
    )


@cache_public_page
@require_GET
def proposal_map(request: HttpRequest) -> HttpResponse:
    proposals = _filtered(request, Proposal.objects.public().for_listing().select_related("centre"))
    placed, unplaced = [], []
    for proposal in proposals.qs:
        (placed if proposal.position else unplaced).append(proposal)
    markers = [
        {
            "name": proposal.title,
            "address": proposal.get_status_display(),
            "url": proposal.get_absolute_url(),
            "lat": proposal.position[0],
            "lng": proposal.position[1],
        }
        for proposal in placed
    ]
    return render(
        request,
        "accordi/proposals/proposal_map.html",
        {"filter": proposals, "markers": markers, "placed": placed, "unplaced": unplaced},
    )


def _export_queryset(request: HttpRequest):
    proposals = (
        Proposal.objects.public()
        .for_listing()
        .select_related("centre", "agreement")
        .with_support_count()
        .prefetch_related(
            Prefetch("status_changes", queryset=ProposalStatusChange.objects.order_by("at", "pk"))
        )
    )
    return _filtered(request, proposals).qs


@cache_public_page
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return opendata.proposals_csv_response(_export_queryset(request))


@cache_public_page
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    return opendata.proposals_json_response(_export_queryset(request), request)


def _with_details(queryset):
    return (
        queryset.select_related("call", "organisation", "author", "centre", "agreement")
        .with_support_count()
        .prefetch_related(
            "quartieri",
            "attachments",
            Prefetch(
                "status_changes",
                queryset=ProposalStatusChange.objects.order_by("at", "pk"),
            ),
            Prefetch(
                "comments",
                queryset=ProposalComment.objects.select_related("author", "hidden_by"),
            ),
            "opinion_requests__council",
        )
    )


@cache_public_page
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _readable(request, pk, _with_details(Proposal.objects.all()))
    user = request.user
    today = timezone.localdate()
    is_officer = user.has_perm("accordi.evaluate_proposals")
    is_proposer = proposal.is_proposer(user)
    opinions = list(proposal.opinion_requests.all())
    for opinion_request in opinions:
        opinion_request.is_late = is_late(opinion_request)
        opinion_request.public_url = public_url(opinion_request)
    return render(
        request,
        "accordi/proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "is_proposer": is_proposer,
            "documents": [
                document
                for document in proposal.attachments.all()
                if document.public or is_proposer or is_officer
            ],
            "opinions": opinions,
            "waiting": services.pending_opinions(opinions, today=today),
            "agreement_url": _agreement_url(proposal, user),
            "supports": services.supports(proposal, user),
            "follows": services.follows(proposal, user),
            "may_see_hidden": is_proposer or is_officer,
            "comment_form": CommentForm(),
            "report_form": ReportForm(),
            "reason_form": ReasonForm(),
            "councils": list(services.councils_for(proposal))
            if is_officer and proposal.status == Proposal.Status.SUBMITTED
            else [],
            "evaluation_form": EvaluationForm(
                initial={"deadline": today + timedelta(DEFAULT_OPINION_DAYS)}
            ),
            "decision_form": DecisionForm(),
            "gaps": services.submission_gaps(proposal, today=today)
            if is_proposer and proposal.is_draft
            else [],
        },
    )


def _agreement_url(proposal: Proposal, user) -> str:
    """Where this person may read the agreement the proposal became: public page, the draft
    for the proposers (its representatives), the preview for the staff; or nowhere yet."""
    agreement = proposal.agreement
    if agreement is None:
        return ""
    if agreement.is_public:
        return agreement.get_absolute_url()
    if user.is_authenticated and user.is_staff and user.has_perm("accordi.view_agreement"):
        return reverse("accordi:preview", kwargs={"slug": agreement.slug})
    if representative_party(agreement, user) is not None:
        return agreement.get_draft_url()
    return ""


@require_GET
def proposal_attachment(request: HttpRequest, pk: int, document: int) -> FileResponse:
    """A document, only where the person may see it: never a bare link to the media folder."""
    attachment = get_object_or_404(
        ProposalAttachment.objects.select_related("proposal"), pk=document, proposal_id=pk
    )
    if not request.user.has_perm("accordi.download_proposal_document", attachment):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=attachment.filename)


# -- The proposer ---------------------------------------------------------------------------


@login_required
@require_GET
def my_proposals(request: HttpRequest) -> HttpResponse:
    proposals = Proposal.objects.by(request.user).for_listing().with_support_count()
    return render(request, "accordi/proposals/my_proposals.html", {"proposals": proposals})


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    call = None
    if slug := request.GET.get("avviso"):
        call = Call.objects.open().filter(slug=slug).first()
        if call is None:
            messages.warning(
                request,
                _("L'avviso scelto non accetta proposte ora: puoi fare una proposta spontanea."),
            )
    proposal = Proposal(call=call, author=request.user)
    return _proposal_form(request, proposal, ProposalForm(initial={"call": call}))


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _readable(request, pk)
    if not request.user.has_perm("accordi.edit_proposal", proposal):
        if not proposal.is_proposer(request.user):
            raise PermissionDenied
        messages.info(request, _("La proposta è stata presentata: non si modifica più."))
        return redirect(proposal)
    return _proposal_form(request, proposal, ProposalForm(instance=proposal))


def _proposal_form(request: HttpRequest, proposal: Proposal, form: ProposalForm) -> HttpResponse:
    if request.method == "POST":
        form = ProposalForm(request.POST, request.FILES, instance=proposal)
        if form.is_valid():
            try:
                services.save_draft(
                    proposal=form.save(commit=False),
                    by=request.user,
                    quartieri=form.cleaned_data["quartieri"],
                    new_document=form.new_document(),
                    remove_documents=form.cleaned_data["remove_documents"],
                )
            except services.ProposalError as error:
                _error(request, error)
            else:
                messages.success(
                    request,
                    _("Bozza salvata. La vedi solo tu finché non la presenti."),
                )
                return redirect(proposal)
        else:
            messages.error(request, _("La bozza non è stata salvata: correggi i campi indicati."))
    return render(
        request, "accordi/proposals/proposal_form.html", {"form": form, "proposal": proposal}
    )


@login_required
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _readable(request, pk)
    try:
        services.submit(proposal=proposal, by=request.user)
    except services.ProposalError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            _("Proposta presentata: ora è pubblica e il Comune la prenderà in esame."),
        )
    return redirect(proposal)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _readable(request, pk)
    form = ReasonForm(request.POST)
    try:
        services.withdraw(
            proposal=proposal,
            by=request.user,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except services.ProposalError as error:
        _error(request, error)
    else:
        messages.success(request, _("Hai ritirato la proposta."))
    return redirect(proposal)


@login_required
@require_POST
def proposal_discard(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _readable(request, pk)
    try:
        services.discard_draft(proposal=proposal, by=request.user)
    except services.ProposalError as error:
        _error(request, error)
        return redirect(proposal)
    messages.success(request, _("Bozza eliminata."))
    return redirect("accordi:my_proposals")


# -- Residents ------------------------------------------------------------------------------


@login_required
@require_POST
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _readable(request, pk)
    try:
        if request.POST.get("action") == "remove":
            services.withdraw_support(proposal=proposal, user=request.user)
            messages.success(request, _("Hai ritirato il tuo sostegno."))
        else:
            services.support(proposal=proposal, user=request.user)
            messages.success(request, _("Grazie: sostieni questa proposta."))
    except services.ProposalError as error:
        _error(request, error)
    return redirect(f"{proposal.get_absolute_url()}#sostegno")


@login_required
@require_POST
def proposal_follow(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _readable(request, pk)
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow(proposal=proposal, user=request.user)
            messages.success(request, _("Non segui più questa proposta."))
        else:
            services.follow(proposal=proposal, user=request.user)
            messages.success(
                request, _("Segui questa proposta: riceverai una notifica a ogni passaggio.")
            )
    except services.ProposalError as error:
        _error(request, error)
    return redirect(f"{proposal.get_absolute_url()}#sostegno")


@login_required
@require_POST
def proposal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _readable(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Il commento non è stato salvato: %(error)s")
            % {"error": " ".join(form.errors["body"])},
        )
        return redirect(f"{proposal.get_absolute_url()}#commenti")
    try:
        comment = services.add_comment(
            proposal=proposal, author=request.user, body=form.cleaned_data["body"]
        )
    except services.ProposalError as error:
        _error(request, error)
        return redirect(f"{proposal.get_absolute_url()}#commenti")
    messages.success(request, _("Il tuo commento è stato pubblicato."))
    return redirect(f"{proposal.get_absolute_url()}#commento-{comment.pk}")


def _comment(request: HttpRequest, pk: int, comment: int) -> ProposalComment:
    proposal = _readable(request, pk)
    found = get_object_or_404(
        ProposalComment.objects.select_related("proposal__author", "author"),
        pk=comment,
        proposal=proposal,
    )
    return found


@login_required
@require_POST
def comment_report(request: HttpRequest, pk: int, comment: int) -> HttpResponse:
    found = _comment(request, pk, comment)
    form = ReportForm(request.POST)
    try:
        services.report_comment(
            comment=found,
            reporter=request.user,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except services.ProposalError as error:
        _error(request, error)
    else:
        messages.success(request, _("Grazie: il personale del Comune esaminerà il commento."))
    return redirect(f"{found.proposal.get_absolute_url()}#commento-{found.pk}")


# -- The Comune's staff ---------------------------------------------------------------------


@login_required
@require_POST
def comment_moderate(request: HttpRequest, pk: int, comment: int) -> HttpResponse:
    _require_officer(request)
    found = _comment(request, pk, comment)
    try:
        if request.POST.get("action") == "keep":
            services.keep_comment(comment=found, by=request.user)
            messages.success(request, _("Il commento resta visibile."))
        else:
            form = ReasonForm(request.POST)
            services.hide_comment(
                comment=found,
                by=request.user,
                reason=form.cleaned_data["reason"] if form.is_valid() else "",
            )
            messages.success(request, _("Il commento è stato nascosto, con il motivo."))
    except services.ProposalError as error:
        _error(request, error)
    if request.POST.get("next") == "moderazione":
        return redirect("accordi:moderation")
    return redirect(f"{found.proposal.get_absolute_url()}#commento-{found.pk}")


@login_required
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    comments = (
        ProposalComment.objects.awaiting_moderation()
        .select_related("proposal__author", "author")
        .prefetch_related("reports")
        .order_by("created_at")
    )
    return render(
        request,
        "accordi/proposals/moderation.html",
        {"comments": comments, "reason_form": ReasonForm()},
    )


@login_required
@require_POST
def proposal_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer(request)
    proposal = _readable(request, pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Valutazione non avviata: %(error)s")
            % {"error": " ".join(e for errors in form.errors.values() for e in errors)},
        )
        return redirect(f"{proposal.get_absolute_url()}#valutazione")
    try:
        services.start_evaluation(
            proposal=proposal,
            by=request.user,
            deadline=form.cleaned_data["deadline"],
            note=form.cleaned_data["note"],
        )
    except services.ProposalError as error:
        _error(request, error)
    else:
        councils = proposal.opinion_requests.count()
        messages.success(
            request,
            _("Valutazione avviata. Richieste di parere inviate alle consulte: %(count)d.")
            % {"count": councils},
        )
    return redirect(f"{proposal.get_absolute_url()}#valutazione")


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer(request)
    proposal = _readable(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli la decisione e scrivi la motivazione."))
        return redirect(f"{proposal.get_absolute_url()}#valutazione")
    try:
        services.decide(
            proposal=proposal,
            by=request.user,
            admitted=form.cleaned_data["decision"] == Proposal.Status.ADMITTED,
            reason=form.cleaned_data["reason"],
        )
    except services.ProposalError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            _("Decisione registrata: %(status)s.") % {"status": proposal.get_status_display()},
        )
    return redirect(f"{proposal.get_absolute_url()}#valutazione")


@login_required
@require_POST
def proposal_convert(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer(request)
    proposal = _readable(request, pk)
    try:
        agreement = services.convert(proposal=proposal, by=request.user)
    except services.ProposalError as error:
        _error(request, error)
        return redirect(f"{proposal.get_absolute_url()}#valutazione")
    messages.success(
        request,
        _(
            "La proposta è diventata la bozza di accordo «%(title)s»: completa le parti, le "
            "azioni e gli impegni, poi avvia la co-progettazione."
        )
        % {"title": agreement.title},
    )
    return redirect(reverse("admin:accordi_agreement_change", args=[agreement.pk]))
