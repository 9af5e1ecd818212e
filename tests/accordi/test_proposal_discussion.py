"""Comments on public proposals, reports, and the staff's moderation: hidden with a public
reason, never silently deleted."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from accordi.models import CommentReport, Proposal, ProposalComment
from accordi.proposals import services
from accordi.proposals.services import ProposalError
from collabcity.models import Notification
from tests.factories import UserFactory

from .proposal_factories import CommentFactory, proposal_in

Status = Proposal.Status
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.EVALUATION, Status.ADMITTED])
def test_a_member_comments_a_proposal_under_discussion(proposer, status):
    proposal = proposal_in(status, author=proposer, title="Orti in cortile")
    author = UserFactory(first_name="Giulia", last_name="Bianchi")

    comment = services.add_comment(proposal=proposal, author=author, body="  Ci sto!  ")

    assert comment.body == "Ci sto!"
    notification = Notification.objects.get(recipient=proposer)
    assert notification.subject == "Nuovo commento sulla tua proposta «Orti in cortile»"
    assert notification.body.startswith("Giulia B. ha scritto:")


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.NOT_ADMITTED, Status.CONVERTED, Status.WITHDRAWN],
)
def test_the_discussion_is_closed_outside_the_path(status):
    proposal = proposal_in(status)
    with pytest.raises(ProposalError, match="chiusa"):
        services.add_comment(proposal=proposal, author=UserFactory(), body="Ciao")
    assert not ProposalComment.objects.exists()


def test_an_empty_comment_is_refused():
    with pytest.raises(ProposalError, match="vuoto"):
        services.add_comment(
            proposal=proposal_in(Status.SUBMITTED), author=UserFactory(), body=" \n "
        )


def test_anonymous_visitors_do_not_comment():
    with pytest.raises(ProposalError):
        services.add_comment(
            proposal=proposal_in(Status.SUBMITTED), author=AnonymousUser(), body="Ciao"
        )


def test_the_proposer_commenting_is_not_notified_of_their_own_comment(proposer):
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    services.add_comment(proposal=proposal, author=proposer, body="Grazie a tutti.")
    assert not Notification.objects.exists()


def test_a_comment_by_the_proposer_keeps_their_name_private(proposer):
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    comment = services.add_comment(proposal=proposal, author=proposer, body="Grazie.")
    assert comment.author_name == "Un cittadino o una cittadina (chi propone)"
    page = Client().get(proposal.get_absolute_url()).content.decode()
    assert "Proponente" not in page  # the proposer's last name


def test_a_comment_is_reported_once_per_person_and_the_staff_hear_once(staff_user):
    comment = CommentFactory()
    first, second = UserFactory(), UserFactory()

    services.report_comment(comment=comment, reporter=first, reason="Offensivo")
    with pytest.raises(ProposalError, match="già segnalato"):
        services.report_comment(comment=comment, reporter=first, reason="Di nuovo")
    services.report_comment(comment=comment, reporter=second, reason="Fuori tema")

    assert CommentReport.objects.count() == 2
    assert Notification.objects.filter(recipient=staff_user).count() == 1
    assert list(ProposalComment.objects.awaiting_moderation()) == [comment]


def test_a_report_needs_a_reason():
    with pytest.raises(ProposalError, match="perché segnali"):
        services.report_comment(comment=CommentFactory(), reporter=UserFactory(), reason="")


def test_nobody_reports_their_own_comment():
    comment = CommentFactory()
    with pytest.raises(ProposalError):
        services.report_comment(comment=comment, reporter=comment.author, reason="Ops")


def test_staff_hide_a_comment_with_a_public_reason(staff_user):
    comment = CommentFactory(body="Testo offensivo")
    services.report_comment(comment=comment, reporter=UserFactory(), reason="Offensivo")

    services.hide_comment(comment=comment, by=staff_user, reason="Linguaggio offensivo")

    comment.refresh_from_db()
    assert comment.is_hidden
    assert (comment.hidden_by, comment.hidden_reason) == (staff_user, "Linguaggio offensivo")
    assert ProposalComment.objects.filter(pk=comment.pk).exists()
    assert not ProposalComment.objects.awaiting_moderation().exists()
    told = Notification.objects.get(recipient=comment.author)
    assert "Linguaggio offensivo" in told.body


def test_a_hidden_comment_shows_its_reason_and_its_text_only_to_author_and_staff(staff_user):
    comment = CommentFactory(body="Testo offensivo")
    services.hide_comment(comment=comment, by=staff_user, reason="Linguaggio offensivo")
    url = comment.proposal.get_absolute_url()

    public = Client().get(url).content.decode()
    assert "Commento nascosto dalla moderazione: Linguaggio offensivo" in public
    assert "Testo offensivo" not in public
    for person in (comment.author, staff_user):
        client = Client()
        client.force_login(person)
        assert "Testo offensivo" in client.get(url).content.decode()
    someone = Client()
    someone.force_login(UserFactory())
    assert "Testo offensivo" not in someone.get(url).content.decode()


def test_hiding_needs_a_reason_and_happens_once(staff_user):
    comment = CommentFactory()
    with pytest.raises(ProposalError, match="Scrivi il motivo"):
        services.hide_comment(comment=comment, by=staff_user, reason=" ")
    services.hide_comment(comment=comment, by=staff_user, reason="Pubblicità")
    with pytest.raises(ProposalError, match="già nascosto"):
        services.hide_comment(comment=comment, by=staff_user, reason="Ancora")


def test_only_staff_moderate(proposer):
    comment = CommentFactory(proposal=proposal_in(Status.SUBMITTED, author=proposer))
    for someone in (proposer, UserFactory()):
        with pytest.raises(ProposalError, match="personale comunale"):
            services.hide_comment(comment=comment, by=someone, reason="Non mi piace")
        with pytest.raises(ProposalError):
            services.keep_comment(comment=comment, by=someone)
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_kept_comments_leave_the_queue_until_a_new_report(staff_user):
    comment = CommentFactory()
    services.report_comment(comment=comment, reporter=UserFactory(), reason="Offensivo")
    services.keep_comment(comment=comment, by=staff_user)
    assert not ProposalComment.objects.awaiting_moderation().exists()

    services.report_comment(comment=comment, reporter=UserFactory(), reason="Ancora offensivo")

    assert list(ProposalComment.objects.awaiting_moderation()) == [comment]
    assert Notification.objects.filter(recipient=staff_user).count() == 2


def test_a_hidden_comment_cannot_be_reported():
    comment = CommentFactory()
    comment.hidden_at = comment.created_at
    comment.hidden_by = UserFactory()
    comment.hidden_reason = "Spam"
    comment.save()
    with pytest.raises(ProposalError):
        services.report_comment(comment=comment, reporter=UserFactory(), reason="Spam")
