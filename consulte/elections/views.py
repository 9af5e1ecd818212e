"""The elections' public pages: the list, an election, the roll check, the verification, the
candidacy, the ballot and its receipt, the results and their open data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from collabcity.net import client_ip
from collabcity.page_cache import (
    answer_after_unshown_writes,
    cache_public_page,
    cache_shared_fragments,
)

from ..models import Candidate, Election, ElectorVerification, Result
from . import casting, common, nominations, opendata, verification
from .forms import BallotForm, NominationForm, RollCheckForm, VerifyCodeForm


def _election(pk: int) -> Election:
    return get_object_or_404(Election.objects.for_listing(), pk=pk)


def _client_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


def _closed_with_result(pk: int) -> Election:
    """Results and open data exist only after the close and the tally: 404 before."""
    election = _election(pk)
    if not election.is_closed or not Result.objects.filter(election=election).exists():
        raise Http404(_("I risultati non sono ancora disponibili."))
    return election


@cache_public_page
def election_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    elections_qs = Election.objects.for_listing().order_by("closes_at")
    open_now = [e for e in elections_qs if e.opens_at <= now < e.closes_at]
    upcoming = [e for e in elections_qs if e.opens_at > now]
    past = sorted((e for e in elections_qs if e.closes_at <= now), key=lambda e: e.closes_at)
    verified = set()
    home_ambito = None
    if request.user.is_authenticated:
        verified = set(
            ElectorVerification.objects.filter(user=request.user).values_list(
                "election_id", flat=True
            )
        )
        home_ambito = request.user.quartiere.ambito_id if request.user.quartiere_id else None
    return render(
        request,
        "consulte/elections/election_list.html",
        {
            "open_now": open_now,
            "upcoming": upcoming,
            "past": list(reversed(past)),
            "verified": verified,
            "home_ambito": home_ambito,
        },
    )


def _voter_state(request: HttpRequest, election: Election) -> dict:
    elector = verification.verified_elector(
        election=election, user=request.user, session=request.session
    )
    voted = elector is not None and election.votes.filter(elector=elector).exists()
    return {"elector": elector, "voted": voted}


@cache_public_page
def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(pk)
    candidates = list(election.candidates.approved().alphabetical())
    state = _voter_state(request, election)
    own_candidacy = None
    if request.user.is_authenticated:
        own_candidacy = Candidate.objects.filter(election=election, user=request.user).first()
    return render(
        request,
        "consulte/elections/election_detail.html",
        {
            "election": election,
            "candidates": candidates,
            "own_candidacy": own_candidacy,
            "has_result": election.is_closed and Result.objects.filter(election=election).exists(),
            **state,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def election_roll_check(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(pk)
    form = RollCheckForm(request.POST or None)
    outcome = None
    if form.is_valid():
        try:
            elector = verification.check_roll(
                election=election,
                user=request.user,
                fiscal_code=form.cleaned_data["fiscal_code"],
                last_name=form.cleaned_data["last_name"],
            )
            outcome = "found" if elector else "not_found"
        except common.ElectionError as error:
            messages.error(request, error.messages[0])
    return render(
        request,
        "consulte/elections/roll_check.html",
        {"election": election, "form": form, "outcome": outcome},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def election_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Fiscal code + one-time code: links the account, or (at a terminal, logged out) the
    browser session, to the elector."""
    election = _election(pk)
    form = VerifyCodeForm(request.POST or None)
    if form.is_valid():
        user = request.user if request.user.is_authenticated else None
        try:
            elector = verification.verify_with_code(
                election=election,
                fiscal_code=form.cleaned_data["fiscal_code"],
                code=form.cleaned_data["code"],
                client_key=_client_key(request),
                user=user,
            )
        except common.ElectionError as error:
            messages.error(request, error.messages[0])
        else:
            if user is None:
                request.session.cycle_key()
                # A terminal left unattended must not keep someone's right to vote for long.
                request.session.set_expiry(verification.TERMINAL_VERIFICATION_SECONDS)
                verification.remember_in_session(session=request.session, elector=elector)
            messages.success(
                request,
                _("Sei verificato come elettore: %(name)s.") % {"name": elector.full_name},
            )
            return redirect("consulte:ballot", pk=election.pk)
    return render(
        request,
        "consulte/elections/verify.html",
        {
            "election": election,
            "form": form,
            "oidc_enabled": _oidc_enabled(),
            **_voter_state(request, election),
        },
    )


def _oidc_enabled() -> bool:
    from . import oidc

    return oidc.is_configured()


@login_required
def election_verify_oidc(request: HttpRequest) -> HttpResponse:
    """Back from SPID/CIE: match the provider's verified fiscal number to the rolls."""
    from . import oidc

    fiscal_code = oidc.fiscal_code_for(request.user)
    if not fiscal_code:
        messages.error(
            request,
            _(
                "Il gestore dell'identità non ha comunicato il codice fiscale: "
                "usa un codice di voto."
            ),
        )
        return redirect("consulte:election_list")
    verified = verification.verify_with_identity(user=request.user, fiscal_code=fiscal_code)
    if verified:
        names = ", ".join(election.title for election in verified)
        messages.success(
            request, _("Sei verificato come elettore per: %(names)s.") % {"names": names}
        )
        if len(verified) == 1:
            return redirect("consulte:ballot", pk=verified[0].pk)
    else:
        messages.warning(
            request,
            _(
                "Il tuo codice fiscale non è nella lista elettorale di nessuna elezione aperta. "
                "Se pensi sia un errore, rivolgiti all'ufficio elettorale."
            ),
        )
    return redirect("consulte:election_list")


@login_required
@require_http_methods(["GET", "POST"])
def election_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(pk)
    elector = verification.verified_elector(
        election=election, user=request.user, session=request.session
    )
    if elector is None:
        messages.info(request, _("Per candidarti devi prima verificarti come elettore."))
        return redirect("consulte:election_verify", pk=election.pk)
    form = NominationForm(request.POST or None)
    if form.is_valid():
        try:
            nominations.submit_candidacy(
                election=election,
                elector=elector,
                user=request.user,
                statement=form.cleaned_data["statement"],
            )
        except common.ElectionError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("Candidatura presentata: il personale comunale la verificherà a breve."),
            )
            return redirect(election)
    return render(request, "consulte/elections/nominate.html", {"election": election, "form": form})


@sensitive_post_parameters()  # an error report must never carry a ballot's choices
@never_cache
@require_http_methods(["GET", "POST"])
@cache_shared_fragments  # the header and footer, as an anonymous visitor sees them
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """The ballot, its confirmation step and the cast, in one view.

    POST step=review shows the choices back; step=cast casts. The receipt is rendered in the
    cast response and stored nowhere else: a reload re-posts and meets "hai già votato".
    """
    if request.method == "POST" and request.POST.get("step") == "cast":
        return _cast(request, pk)
    # The voter's own roll entry brings the election with it: one query for both.
    elector = verification.verified_elector_with_election(
        election_id=pk, user=request.user, session=request.session
    )
    if elector is None:
        return _to_verification(request, _election(pk).is_open, pk)
    election = elector.election
    candidates = casting.ballot_candidates(election)
    form = BallotForm(request.POST or None, election=election, candidates=candidates)
    context = {"election": election, "form": form, "candidates": candidates}
    if request.method == "POST" and request.POST.get("step") == "review":
        try:
            if not election.is_open:
                casting.check_window(election)
            chosen = casting.validate_choices(election=election, candidate_ids=form.candidate_ids())
        except common.ElectionError as error:
            messages.error(request, error.messages[0])
        else:
            return render(
                request,
                "consulte/elections/ballot_confirm.html",
                {
                    "election": election,
                    "chosen": chosen,
                    "gender_warning": casting.gender_warning(election=election, candidates=chosen),
                },
            )
    elif election.votes.filter(elector=elector).exists():
        return _already_voted(request, election)
    elif not election.is_open:
        messages.error(request, _("Il voto per questa elezione non è aperto."))
        return redirect(election)
    return render(request, "consulte/elections/ballot.html", context)


def _to_verification(request: HttpRequest, is_open: bool, pk: int) -> HttpResponse:
    if is_open:
        messages.info(request, _("Per votare devi prima verificarti come elettore."))
    return redirect("consulte:election_verify", pk=pk)


def _cast(request: HttpRequest, pk: int) -> HttpResponse:
    """The cast finds the voter's roll entry in its own transaction: no query before it."""
    voter = verification.voter(election_id=pk, user=request.user, session=request.session)
    if voter is None:
        return _to_verification(request, _election(pk).is_open, pk)
    candidate_ids = [value for value in request.POST.getlist("candidate") if value]
    try:
        election, cast = casting.cast_as(election_id=pk, voter=voter, candidate_ids=candidate_ids)
    except Election.DoesNotExist:
        raise Http404 from None
    except casting.NotVerified as refusal:
        return _to_verification(request, refusal.is_open, pk)
    except casting.AlreadyVoted as refusal:
        return _already_voted(request, refusal.election)
    except common.ElectionError as error:
        messages.error(request, error.messages[0])
        return redirect("consulte:ballot", pk=pk)
    # At a shared terminal the verification ends with the vote.
    verification.forget_in_session(session=request.session, election=election)
    # The vote and its envelope are in tables no page shows (consulte/portal.py).
    answer_after_unshown_writes(request)
    return render(
        request,
        "consulte/elections/receipt.html",
        {"election": election, "receipt": cast.receipt},
    )


@require_POST
def terminal_end(request: HttpRequest) -> HttpResponse:
    """The voting point terminal's "end" button: nothing of this voter stays in the browser."""
    request.session.flush()
    messages.info(request, _("Sessione terminata: il terminale è pronto per il prossimo elettore."))
    return redirect("consulte:election_list")


def _already_voted(request: HttpRequest, election: Election) -> HttpResponse:
    return render(
        request, "consulte/elections/already_voted.html", {"election": election}, status=409
    )


@never_cache
@require_http_methods(["GET", "POST"])
def receipt_lookup(request: HttpRequest) -> HttpResponse:
    """Taken by POST only: a receipt in a query string would land in access logs, referrers and
    a shared terminal's history."""
    code = request.POST.get("ricevuta", "").strip()[:40] if request.method == "POST" else ""
    found = None
    searched = bool(code)
    if searched:
        found = casting.find_receipt(receipt=code)
    return render(
        request,
        "consulte/elections/receipt_lookup.html",
        {"code": code, "searched": searched, "ballot": found},
    )


@cache_public_page
def election_results(request: HttpRequest, pk: int) -> HttpResponse:
    election = _closed_with_result(pk)
    result = election.result
    rows = list(result.candidates.select_related("candidate").order_by("rank"))
    return render(
        request,
        "consulte/elections/results.html",
        {"election": election, "result": result, "rows": rows},
    )


def election_opendata(request: HttpRequest, pk: int, fmt: str) -> StreamingHttpResponse:
    if fmt not in ("json", "csv"):
        raise Http404
    election = _closed_with_result(pk)
    if fmt == "json":
        response = StreamingHttpResponse(
            opendata.stream_json(election), content_type="application/json; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            opendata.stream_csv(election), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="elezione-{election.pk}-schede.{fmt}"'
    return response
