"""Calls are opened in the admin; proposals and their comments are read there, never rewritten."""

import datetime

import pytest
from django.utils import timezone

from accordi.models import Call, Proposal
from collabcity.models import Ambito

from .formdata import form_data
from .proposal_factories import CallFactory, CommentFactory, proposal_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_staff_open_a_call_in_the_admin(staff_client):
    ambito = Ambito.objects.create(code="B", name="Ambito B", slug="ambito-b")
    data = form_data(staff_client.get("/admin/accordi/call/add/").content.decode(), "call_form")
    data.update(
        {
            "title": "Cortili aperti",
            "slug": "cortili-aperti",
            "theme": "verde",
            "ambiti": [str(ambito.pk)],
            "description": "Cerchiamo chi apre i cortili ai vicini.",
            "budget_ceiling": "2000",
            "opens_on": TODAY.strftime("%d/%m/%Y"),
            "closes_on": (TODAY + datetime.timedelta(days=30)).strftime("%d/%m/%Y"),
            "criteria": "Vicini coinvolti.",
            "published": "on",
        }
    )

    response = staff_client.post("/admin/accordi/call/add/", data)

    assert response.status_code == 302
    call = Call.objects.get()
    assert list(call.ambiti.all()) == [ambito]
    assert Call.objects.open().get() == call
    assert call.history.first().history_user.email == "personale@example.org"


def test_a_call_that_closes_before_it_opens_is_refused(staff_client):
    data = form_data(staff_client.get("/admin/accordi/call/add/").content.decode(), "call_form")
    data.update(
        {
            "title": "Al contrario",
            "slug": "al-contrario",
            "theme": "verde",
            "description": "D",
            "opens_on": TODAY.strftime("%d/%m/%Y"),
            "closes_on": (TODAY - datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            "criteria": "C",
        }
    )
    response = staff_client.post("/admin/accordi/call/add/", data)
    assert response.status_code == 200
    assert not Call.objects.exists()


def test_the_calls_list_counts_submitted_proposals_only(staff_client):
    call = CallFactory()
    proposal_in(Proposal.Status.SUBMITTED, call=call)
    proposal_in(Proposal.Status.DRAFT, call=call)
    result = staff_client.get("/admin/accordi/call/").context["cl"].result_list
    assert [row.number_of_proposals for row in result] == [1]


def test_proposals_are_read_in_the_admin_and_not_changed_there(staff_client):
    proposal = proposal_in(Proposal.Status.EVALUATION, title="Orti sul tetto")
    CommentFactory(proposal=proposal)
    listing = staff_client.get("/admin/accordi/proposal/", {"q": "tetto"})
    assert list(listing.context["cl"].result_list) == [proposal]

    page = staff_client.get(f"/admin/accordi/proposal/{proposal.pk}/change/")
    assert page.status_code == 200
    assert "Valuta la proposta sul portale" in page.content.decode()
    before = Proposal.objects.filter(pk=proposal.pk).values().get()
    staff_client.post(f"/admin/accordi/proposal/{proposal.pk}/change/", {"title": "Altro"})
    assert Proposal.objects.filter(pk=proposal.pk).values().get() == before
    assert staff_client.get("/admin/accordi/proposal/add/").status_code == 403
    assert staff_client.get(f"/admin/accordi/proposal/{proposal.pk}/delete/").status_code == 403


def test_comments_are_never_deleted_from_the_admin(staff_client):
    comment = CommentFactory()
    assert staff_client.get("/admin/accordi/proposalcomment/").status_code == 200
    url = f"/admin/accordi/proposalcomment/{comment.pk}/delete/"
    assert staff_client.get(url).status_code == 403
