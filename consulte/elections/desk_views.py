"""The polling desk's pages, for the poll workers of a voting point: find an elector on the
roll, register their presence, mark them as voting on paper or give them a code for the
point's terminal, and enter the point's paper count after the close.

Who may not use the desk at all is told so (consulte.use_desk, 403); a point, or an election,
the person does not serve does not exist for them (consulte.serve_voting_point and
serve_election, 404), so a poll worker learns nothing of another worker's point. The services
in desk.py and verification.py ask serve_voting_point again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from ..models import Election, ElectorVote, VotingPoint
from ..rules import has_office_perm
from . import casting, common, desk, verification
from .forms import DeskCountForm, DeskSearchForm

DESK_RESULTS = 20


def _my_points(request: HttpRequest, pk: int) -> tuple[Election, list[VotingPoint]]:
    """The election and this poll worker's points in it; 404 where they serve no point."""
    election = get_object_or_404(Election.objects.for_listing(), pk=pk)
    if not has_office_perm(request.user, "consulte.serve_election", election):
        raise Http404
    return election, list(election.points.served_by(request.user))


def _my_point(request: HttpRequest, pk: int, point_pk: int) -> VotingPoint:
    """A point of the election, for its own poll workers; for everybody else it does not exist."""
    point = get_object_or_404(
        VotingPoint.objects.select_related("election"), pk=point_pk, election_id=pk
    )
    if not has_office_perm(request.user, "consulte.serve_voting_point", point):
        raise Http404
    return point


def _back_to_desk(point: VotingPoint, elector=None) -> HttpResponse:
    url = f"{reverse('consulte:voting_desk', args=[point.election_id])}?punto={point.pk}"
    if elector is not None:
        url += f"&query={elector.fiscal_code}"
    return redirect(url)


@login_required
@permission_required("consulte.use_desk", raise_exception=True)
@never_cache
def voting_desk(request: HttpRequest, pk: int) -> HttpResponse:
    election, points = _my_points(request, pk)
    point = points[0]
    if "punto" in request.GET:
        point = next((p for p in points if str(p.pk) == request.GET["punto"]), None)
        if point is None:
            raise Http404
    form = DeskSearchForm(request.GET if "query" in request.GET else None)
    electors = []
    if form.is_valid():
        query = form.cleaned_data["query"].strip()
        electors = list(
            election.electors.filter(
                Q(fiscal_code=common.normalize_fiscal_code(query)) | Q(last_name__istartswith=query)
            )
            .select_related("quartiere")
            .order_by("last_name", "first_name")[:DESK_RESULTS]
        )
        votes = dict(
            ElectorVote.objects.filter(election=election, elector__in=electors).values_list(
                "elector_id", "channel"
            )
        )
        for elector in electors:
            elector.vote_channel = votes.get(elector.pk)
            elector.present = desk.is_present(voting_point=point, elector=elector)
    return render(
        request,
        "consulte/elections/desk.html",
        {
            "election": election,
            "form": form,
            "electors": electors,
            "point": point,
            "points": points,
        },
    )


@login_required
@permission_required("consulte.use_desk", raise_exception=True)
@require_POST
def voting_desk_present(
    request: HttpRequest, pk: int, point_pk: int, elector_pk: int
) -> HttpResponse:
    point = _my_point(request, pk, point_pk)
    elector = get_object_or_404(point.election.electors, pk=elector_pk)
    try:
        desk.register_presence(voting_point=point, elector=elector, user=request.user)
    except common.ElectionError as error:
        messages.error(request, error.messages[0] if error.messages else _("Ha già votato."))
    else:
        messages.success(
            request,
            _("%(name)s è registrato come presente al punto voto.") % {"name": elector.full_name},
        )
    return _back_to_desk(point, elector)


@login_required
@permission_required("consulte.use_desk", raise_exception=True)
@require_POST
def voting_desk_mark(request: HttpRequest, pk: int, point_pk: int, elector_pk: int) -> HttpResponse:
    point = _my_point(request, pk, point_pk)
    elector = get_object_or_404(point.election.electors, pk=elector_pk)
    try:
        desk.mark_voted_in_person(voting_point=point, elector=elector, user=request.user)
    except casting.AlreadyVoted as error:
        where = _("online") if error.channel == ElectorVote.Channel.ONLINE else _("a un punto voto")
        messages.error(
            request,
            _("%(name)s ha già votato %(where)s: non può votare di nuovo.")
            % {"name": elector.full_name, "where": where},
        )
    except common.ElectionError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(name)s è registrato come votante al punto voto: consegna la scheda cartacea.")
            % {"name": elector.full_name},
        )
    return _back_to_desk(point, elector)


@login_required
@permission_required("consulte.use_desk", raise_exception=True)
@require_POST
@never_cache
def voting_desk_issue_code(
    request: HttpRequest, pk: int, point_pk: int, elector_pk: int
) -> HttpResponse:
    """A one-time code for the voting point's terminal, for a person present at the point."""
    point = _my_point(request, pk, point_pk)
    election = point.election
    elector = get_object_or_404(election.electors, pk=elector_pk)
    if not election.is_open:
        messages.error(request, _("Il voto non è aperto."))
        return _back_to_desk(point, elector)
    try:
        issued = verification.issue_credentials(
            electors=[elector], issued_by=request.user, voting_point=point, for_terminal=True
        )
    except common.ElectionError as error:
        messages.error(request, error.messages[0])
        return _back_to_desk(point, elector)
    if not issued:
        messages.error(request, _("%(name)s ha già votato.") % {"name": elector.full_name})
        return _back_to_desk(point, elector)
    return render(
        request,
        "consulte/elections/desk_code.html",
        {"election": election, "issued": issued[0], "point": point},
    )


@login_required
@permission_required("consulte.use_desk", raise_exception=True)
@require_http_methods(["GET", "POST"])
def voting_desk_count(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    point = _my_point(request, pk, point_pk)
    election = point.election
    candidates = list(election.candidates.approved().alphabetical())
    versions = list(point.counts.select_related("entered_by").order_by("-version"))
    form = DeskCountForm(request.POST or None, candidates=candidates, correction=bool(versions))
    if form.is_valid():
        try:
            desk.record_desk_count(
                voting_point=point,
                valid=form.cleaned_data["valid"],
                blank=form.cleaned_data["blank"],
                void=form.cleaned_data["void"],
                votes=form.votes(),
                entered_by=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except common.ElectionError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Spoglio del punto voto registrato."))
            return redirect("consulte:voting_desk_count", pk=election.pk, point_pk=point.pk)
    return render(
        request,
        "consulte/elections/desk_count.html",
        {
            "election": election,
            "point": point,
            "form": form,
            "versions": versions,
            "voters": point.votes.count(),
        },
    )
