from django.test import Client

from accordi.models import (
    Call,
    Proposal,
    ProposalComment,
    ProposalFollow,
    ProposalStatusChange,
    Support,
)
from consulte.models import OpinionRequest


def snapshot():
    counts = [
        model.objects.count()
        for model in (
            Call,
            Proposal,
            ProposalStatusChange,
            Support,
            ProposalComment,
            ProposalFollow,
            OpinionRequest,
        )
    ]
    return counts, Call.history.count(), Proposal.history.count()


def test_demo_has_an_open_call_with_proposals_in_every_state_and_is_idempotent(
    seed_demo_again,
):
    first = snapshot()
    seed_demo_again()

    assert snapshot() == first  # not even a new version in the history
    call = Call.objects.open().get()
    assert set(call.proposals.values_list("status", flat=True)) == set(Proposal.Status) - {
        Proposal.Status.WITHDRAWN
    }
    converted = Proposal.objects.get(status=Proposal.Status.CONVERTED)
    assert converted.agreement.slug == "repair-cafe-laboratorio-aperto"
    assert Proposal.objects.filter(call__isnull=True).exists()  # a spontaneous one
    in_evaluation = Proposal.objects.get(status=Proposal.Status.EVALUATION)
    assert in_evaluation.opinion_requests.get().status == OpinionRequest.Status.REQUESTED


def test_demo_pages_render_and_keep_the_draft_private(demo_city):
    client = Client()
    assert client.get("/accordi/avvisi/").status_code == 200
    assert client.get("/accordi/proposte/").status_code == 200
    assert client.get("/accordi/proposte/mappa/").status_code == 200
    assert client.get(Call.objects.get().get_absolute_url()).status_code == 200
    for proposal in Proposal.objects.all():
        expected = 404 if proposal.is_draft else 200
        assert client.get(proposal.get_absolute_url()).status_code == expected
    assert "Cinema all" not in client.get("/accordi/proposte/").content.decode()
