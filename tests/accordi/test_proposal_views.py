"""The HTTP contract of the proposer's and the staff's pages: what is stored, what is said."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accordi.models import Agreement, Proposal, ProposalAttachment, ProposalComment
from accordi.proposals import services
from collabcity.models import Organisation
from tests.factories import OrganisationFactory, QuartiereFactory, UserFactory

from .formdata import form_data
from .proposal_factories import CallFactory, CommentFactory, ProposalFactory, proposal_in

Status = Proposal.Status
pytestmark = pytest.mark.django_db

NEW = "/accordi/proposte/nuova/"
PDF = b"%PDF-1.4 progetto"


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def proposer_client(client, proposer):
    client.force_login(proposer)
    return client


def minimal(**extra) -> dict:
    return {
        "proposer_kind": "persona",
        "title": "Merende al parco",
        "summary": "Merende condivise il sabato.",
        "theme": "prossimita",
        **extra,
    }


def test_the_form_asks_to_log_in_first(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert response.url.startswith("/account/login/")


def test_a_draft_is_saved_and_shown_to_its_proposer(proposer_client, proposer):
    quartiere = QuartiereFactory(name="Orologio")

    response = proposer_client.post(NEW, minimal(quartieri=["orologio"]))

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response.url == proposal.get_absolute_url()
    assert (proposal.author, proposal.status) == (proposer, Status.DRAFT)
    assert list(proposal.quartieri.all()) == [quartiere]
    assert said(response) == ["Bozza salvata. La vedi solo tu finché non la presenti."]
    page = proposer_client.get(response.url).content.decode()
    assert "Bozza riservata." in page
    assert "Per presentarla manca ancora:" in page


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"title": ""}, "title", "Questo campo è obbligatorio."),
        ({"proposer_kind": "gruppo_informale"}, "group_name", "Scrivi il nome del gruppo."),
        (
            {"proposer_kind": "organizzazione"},
            "organisation",
            "Scegli l'organizzazione che rappresenti.",
        ),
        (
            {"proposer_kind": "organizzazione"},
            "author_role",
            "Scrivi il tuo ruolo nell'organizzazione che rappresenti.",
        ),
        ({"latitude": "44.7"}, "longitude", "Indica sia la latitudine sia la longitudine"),
        (
            {"latitude": "45.46", "longitude": "9.19"},
            "latitude",
            "Il punto è fuori dal territorio del Comune.",
        ),
        ({"requested_budget": "-10"}, "requested_budget", "maggiore o uguale a 0"),
        ({"document_title": "Progetto"}, "document_file", "Scegli il file da allegare."),
        ({"call": "999"}, "call", "Scegli un'opzione valida"),
    ],
)
def test_bad_input_is_told_in_italian_and_nothing_is_saved(proposer_client, extra, field, message):
    response = proposer_client.post(NEW, minimal(**extra))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert said(response) == ["La bozza non è stata salvata: correggi i campi indicati."]
    assert not Proposal.objects.exists()


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_saved(proposer_client):
    upload = SimpleUploadedFile("foto.pdf", b"\x89PNG not a pdf", content_type="application/pdf")
    response = proposer_client.post(
        NEW, minimal(document_title="Foto", document_file=upload, quartieri=[])
    )
    assert response.status_code == 200
    assert "Formato non ammesso" in " ".join(response.context["form"].errors["document_file"])
    assert not Proposal.objects.exists()
    assert not ProposalAttachment.objects.exists()


def test_the_service_saves_a_draft_all_or_nothing(proposer):
    too_long = ProposalAttachment(title="x" * 300, file=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(Exception):  # noqa: B017 - the database refuses the 300-character title
        services.save_draft(
            proposal=Proposal(title="Tutto o niente", summary="S", theme="verde"),
            by=proposer,
            quartieri=[QuartiereFactory()],
            new_document=too_long,
        )
    assert not Proposal.objects.exists()


def test_an_organisation_is_proposed_for_by_its_representative(proposer_client):
    organisation = OrganisationFactory(name="Legambiente Reggio Emilia")
    response = proposer_client.post(
        NEW,
        minimal(
            proposer_kind="organizzazione",
            organisation=organisation.pk,
            author_role="Presidente",
            group_name="ignorato",
        ),
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.organisation, proposal.group_name) == (organisation, "")


def test_the_comune_is_not_among_the_organisations_one_represents(proposer_client):
    comune = Organisation.objects.create(name="Comune", slug="comune", kind="comune")
    form = proposer_client.get(NEW).context["form"]
    assert comune not in form.fields["organisation"].queryset


def test_a_call_chosen_from_its_page_is_preselected(proposer_client):
    call = CallFactory()
    form = proposer_client.get(f"{NEW}?avviso={call.slug}").context["form"]
    assert form.initial["call"] == call


def test_a_closed_call_in_the_address_falls_back_to_a_spontaneous_proposal(proposer_client):
    call = CallFactory(
        opens_on=timezone.localdate() - datetime.timedelta(days=60),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    response = proposer_client.get(f"{NEW}?avviso={call.slug}")
    assert response.context["form"].initial["call"] is None
    assert "proposta spontanea" in said(response)[0]


def test_a_document_is_attached_kept_private_if_asked_and_removed(proposer_client, proposer):
    proposal = ProposalFactory(author=proposer)
    edit = reverse("accordi:proposal_edit", kwargs={"pk": proposal.pk})
    data = form_data(proposer_client.get(edit).content.decode(), "proposal-form")
    data.pop("document_public", None)
    upload = SimpleUploadedFile("preventivo.pdf", PDF, content_type="application/pdf")

    response = proposer_client.post(
        edit, {**data, "document_title": "Preventivo", "document_file": upload}
    )

    assert response.status_code == 302
    document = proposal.attachments.get()
    assert (document.title, document.public) == ("Preventivo", False)
    assert document.file.name.startswith(f"proposte/{proposal.pk}/")
    assert proposer_client.get(document.get_absolute_url()).status_code == 200

    data = form_data(proposer_client.get(edit).content.decode(), "proposal-form")
    proposer_client.post(edit, {**data, "remove_documents": [str(document.pk)]})
    assert not proposal.attachments.exists()


def test_the_form_sent_back_unchanged_changes_nothing(proposer_client, proposer):
    proposal = ProposalFactory(author=proposer, latitude="44.698000", longitude="10.631000")
    edit = reverse("accordi:proposal_edit", kwargs={"pk": proposal.pk})
    before = Proposal.objects.filter(pk=proposal.pk).values().get()

    proposer_client.post(
        edit, form_data(proposer_client.get(edit).content.decode(), "proposal-form")
    )

    after = Proposal.objects.filter(pk=proposal.pk).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_someone_elses_draft_cannot_be_edited(client):
    proposal = ProposalFactory()
    client.force_login(UserFactory())
    edit = reverse("accordi:proposal_edit", kwargs={"pk": proposal.pk})
    assert client.get(edit).status_code == 404
    assert client.post(edit, minimal()).status_code == 404


def test_a_submitted_proposal_sends_its_proposer_back_to_its_page(proposer_client, proposer):
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    response = proposer_client.get(reverse("accordi:proposal_edit", kwargs={"pk": proposal.pk}))
    assert response.url == proposal.get_absolute_url()
    assert said(response) == ["La proposta è stata presentata: non si modifica più."]


def test_submitting_an_incomplete_draft_lists_what_is_missing(proposer_client, proposer):
    proposal = ProposalFactory(author=proposer, timeline="", quartieri=[])
    response = proposer_client.post(reverse("accordi:proposal_submit", kwargs={"pk": proposal.pk}))
    assert said(response) == ["Indica almeno un quartiere.", "Indica i tempi del progetto."]


def test_submitting_a_complete_draft(proposer_client, proposer):
    proposal = ProposalFactory(author=proposer)
    response = proposer_client.post(reverse("accordi:proposal_submit", kwargs={"pk": proposal.pk}))
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert said(response) == [
        "Proposta presentata: ora è pubblica e il Comune la prenderà in esame."
    ]


def test_withdrawing_without_reason_is_refused_with_a_message(proposer_client, proposer):
    proposal = proposal_in(Status.SUBMITTED, author=proposer)
    url = reverse("accordi:proposal_withdraw", kwargs={"pk": proposal.pk})
    response = proposer_client.post(url, {"reason": ""})
    assert "Scrivi perché ritiri la proposta" in said(response)[0]
    proposer_client.post(url, {"reason": "Non abbiamo più tempo."})
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


def test_discarding_a_draft(proposer_client, proposer):
    proposal = ProposalFactory(author=proposer)
    response = proposer_client.post(reverse("accordi:proposal_discard", kwargs={"pk": proposal.pk}))
    assert response.url == reverse("accordi:my_proposals")
    assert not Proposal.objects.exists()


def test_my_proposals_lists_drafts_and_public_ones_of_mine_only(proposer_client, proposer):
    ProposalFactory(author=proposer, title="La mia bozza")
    proposal_in(Status.EVALUATION, author=proposer, title="La mia presentata")
    ProposalFactory(title="La bozza di un altro")
    page = proposer_client.get(reverse("accordi:my_proposals")).content.decode()
    assert "La mia bozza" in page
    assert "La mia presentata" in page
    assert "La bozza di un altro" not in page


def test_support_and_follow_through_the_page(client, resident):
    proposal = proposal_in(Status.SUBMITTED)
    client.force_login(resident)
    support = reverse("accordi:proposal_support", kwargs={"pk": proposal.pk})

    client.post(support)
    again = client.post(support)
    assert said(again)[-1] == "Sostieni già questa proposta."
    client.post(support, {"action": "remove"})
    response = client.post(reverse("accordi:proposal_follow", kwargs={"pk": proposal.pk}))

    assert not proposal.supports.exists()
    assert proposal.followers.get() == resident
    assert response.url.endswith("#sostegno")


def test_commenting_through_the_page(client):
    proposal = proposal_in(Status.SUBMITTED)
    client.force_login(UserFactory())
    url = reverse("accordi:proposal_comment", kwargs={"pk": proposal.pk})

    assert "Il commento non è stato salvato" in said(client.post(url, {"body": ""}))[0]
    response = client.post(url, {"body": "Che bello!"})

    comment = ProposalComment.objects.get()
    assert response.url == f"{proposal.get_absolute_url()}#commento-{comment.pk}"


def test_reporting_and_moderating_through_the_pages(staff_client, staff_user):
    comment = CommentFactory(body="Compra i miei prodotti")
    reporter = Client()
    reporter.force_login(UserFactory())
    reporter.post(
        reverse(
            "accordi:comment_report", kwargs={"pk": comment.proposal_id, "comment": comment.pk}
        ),
        {"reason": "Pubblicità"},
    )

    queue = staff_client.get(reverse("accordi:moderation")).content.decode()
    assert "Compra i miei prodotti" in queue
    assert "Pubblicità" in queue
    response = staff_client.post(
        reverse(
            "accordi:comment_moderate", kwargs={"pk": comment.proposal_id, "comment": comment.pk}
        ),
        {"reason": "Pubblicità commerciale", "next": "moderazione"},
    )

    assert response.url == reverse("accordi:moderation")
    comment.refresh_from_db()
    assert comment.hidden_reason == "Pubblicità commerciale"
    assert "Nessun commento da moderare." in staff_client.get(response.url).content.decode()


def test_the_officer_evaluates_decides_and_converts_from_the_page(staff_client, staff_user):
    proposal = proposal_in(Status.SUBMITTED)
    page = staff_client.get(proposal.get_absolute_url()).content.decode()
    assert "Avvia la valutazione e chiedi il parere" in page

    evaluate = reverse("accordi:proposal_evaluate", kwargs={"pk": proposal.pk})
    assert "Valutazione non avviata" in said(staff_client.post(evaluate, {"deadline": "ieri"}))[0]
    staff_client.post(
        evaluate, {"deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat()}
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.EVALUATION

    decide = reverse("accordi:proposal_decide", kwargs={"pk": proposal.pk})
    staff_client.post(decide, {"decision": "ammessa", "reason": "Utile al quartiere."})
    proposal.refresh_from_db()
    assert proposal.status == Status.ADMITTED

    response = staff_client.post(reverse("accordi:proposal_convert", kwargs={"pk": proposal.pk}))
    agreement = Agreement.objects.get()
    assert response.url == reverse("admin:accordi_agreement_change", args=[agreement.pk])
    assert staff_client.get(response.url).status_code == 200


def test_a_refused_step_is_a_message_not_an_error_page(staff_client):
    proposal = proposal_in(Status.EVALUATION)
    response = staff_client.post(reverse("accordi:proposal_convert", kwargs={"pk": proposal.pk}))
    assert response.status_code == 302
    assert "trasformare in accordo una proposta ammessa" in said(response)[0]
