"""The guardians' pages: the key ceremony before the vote, the opening after the close.

Both are for staff with their own model permission (consulte.run_key_ceremony,
consulte.open_ballot_box: 403 for anyone else, whatever the election); the guardians stand
beside the officer (as at a polling station) and each takes or gives their own share. The
services themselves trust their callers (these pages, the command, the demo loader): what they
refuse is what the election's state forbids. Nothing here is cached.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from rules.contrib.views import permission_required

from ..models import BallotBox, Election, ElectionLogEntry
from . import ballot_box, common
from .forms import CeremonyForm, OpeningForm


def _election(pk: int) -> Election:
    return get_object_or_404(Election.objects.select_related("council"), pk=pk)


def _box(election: Election) -> BallotBox | None:
    return BallotBox.objects.filter(election=election).first()


@login_required
@permission_required("consulte.run_key_ceremony", raise_exception=True)
@never_cache
@require_http_methods(["GET", "POST"])
def key_ceremony(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(pk)
    guardians = list(election.guardians.order_by("pk"))
    box = _box(election)
    current_key = box.public_key if box else ""
    form = CeremonyForm(
        request.POST or None, guardians=len(guardians), initial={"expected_key": current_key}
    )
    if request.method == "POST" and form.is_valid():
        try:
            shares = ballot_box.run_key_ceremony(
                election=election,
                threshold=form.cleaned_data["threshold"],
                expected_key=form.cleaned_data["expected_key"],
                actor=request.user,
            )
        except ballot_box.BallotBoxError as error:
            for message in error.messages:
                messages.warning(request, message)
            return redirect("consulte:key_ceremony", pk=election.pk)
        else:
            # Shown once, in this response only: the portal keeps no copy of any share.
            response = render(
                request,
                "consulte/elections/ceremony_shares.html",
                {"election": election, "box": _box(election), "shares": shares},
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "consulte/elections/ceremony.html",
        {"election": election, "box": box, "guardians": guardians, "form": form},
    )


@sensitive_post_parameters()
@login_required
@permission_required("consulte.open_ballot_box", raise_exception=True)
@never_cache
@require_http_methods(["GET", "POST"])
def open_envelopes(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(pk)
    box = _box(election)
    guardians = list(election.guardians.exclude(position=None).order_by("position"))
    form = OpeningForm(request.POST or None, request.FILES or None, guardians=guardians)
    if request.method == "POST" and not form.is_valid():
        for message in [*form.non_field_errors(), *(e for f in form.errors.values() for e in f)]:
            messages.error(request, message)
        form = OpeningForm(guardians=guardians)  # never echo the shares back in the page
    elif request.method == "POST" and box is not None and not box.is_opened:
        shares = form.shares()
        try:
            box = ballot_box.close_ballot_box(election)
            ballot_box.check_shares(election=election, box=box, shares=shares)
        except ballot_box.BallotBoxError as error:
            for message in error.messages:
                messages.error(request, message)
            form = OpeningForm(guardians=guardians)  # never echo the shares back in the page
        else:
            from .tasks import open_ballot_box

            common.log_action(
                election=election,
                actor=request.user,
                action=ElectionLogEntry.Action.OPENING_REQUESTED,
                details={"envelopes": box.envelopes_at_close},
            )
            sealed = ballot_box.seal_shares_for_worker(shares)
            transaction.on_commit(partial(open_ballot_box.delay, election.pk, sealed))
            messages.success(
                request,
                _(
                    "Quote valide: l'apertura delle buste è avviata. I risultati compaiono "
                    "appena lo scrutinio è concluso."
                ),
            )
            return redirect("consulte:open_envelopes", pk=election.pk)
    return render(
        request,
        "consulte/elections/opening.html",
        {"election": election, "box": box, "form": form},
    )
