from dateutil.relativedelta import relativedelta
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from accordi.models import Agreement, Party, Status, StatusChange
from collabcity.models import User
from tests.factories import QuartiereFactory

from .factories import agreement_in
from .formdata import form_data

TODAY = timezone.localdate()


def change_url(agreement: Agreement) -> str:
    return f"/admin/accordi/agreement/{agreement.pk}/change/"


def transition_url(agreement: Agreement) -> str:
    return f"/admin/accordi/agreement/{agreement.pk}/transizione/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_staff_list_filters_by_status_quartiere_and_year(staff_client):
    draft = agreement_in(Status.DRAFT, title="Orti di via Adua")
    active = agreement_in(Status.ACTIVE, title="Portierato di quartiere")
    quartiere = active.quartieri.get()

    by_status = staff_client.get("/admin/accordi/agreement/", {"status__exact": "attivo"})
    by_quartiere = staff_client.get(
        "/admin/accordi/agreement/", {"quartieri__id__exact": quartiere.pk}
    )
    by_year = staff_client.get("/admin/accordi/agreement/", {"anno": TODAY.year + 5})
    searched = staff_client.get("/admin/accordi/agreement/", {"q": "adua"})

    assert list(by_status.context["cl"].result_list) == [active]
    assert list(by_quartiere.context["cl"].result_list) == [active]
    assert list(by_year.context["cl"].result_list) == []
    assert list(searched.context["cl"].result_list) == [draft]


def test_change_form_shows_the_steps_allowed_now_and_the_preview_link(staff_client):
    agreement = agreement_in(Status.CODESIGN)

    body = staff_client.get(change_url(agreement)).content.decode()

    assert 'value="approvato"' in body
    assert 'value="ritirato"' in body
    assert 'value="firmato"' not in body
    assert f"/accordi/{agreement.slug}/anteprima/" in body


def test_transition_button_moves_the_agreement_and_says_so(staff_client, staff_user):
    agreement = agreement_in(Status.DRAFT)

    response = staff_client.post(transition_url(agreement), {"to": "in_coprogettazione"})

    assert response.status_code == 302
    assert response["Location"] == change_url(agreement)
    assert messages_of(response) == ["L'accordo è ora nello stato «In co-progettazione»."]
    change = StatusChange.objects.get(agreement=agreement)
    assert (change.by, change.to_status) == (staff_user, "in_coprogettazione")


def test_refused_transition_shows_the_reason_and_changes_nothing(staff_client):
    agreement = agreement_in(Status.CODESIGN)

    response = staff_client.post(transition_url(agreement), {"to": "approvato"})

    assert messages_of(response) == [
        "Passaggio non eseguito: Per l'approvazione servono il numero e la data della delibera "
        "di Giunta."
    ]
    agreement.refresh_from_db()
    assert agreement.status == Status.CODESIGN
    assert not StatusChange.objects.exists()


def test_transition_needs_post(staff_client):
    agreement = agreement_in(Status.DRAFT)
    assert staff_client.get(transition_url(agreement)).status_code == 405


def test_transition_needs_the_permission(client, db):
    agreement = agreement_in(Status.DRAFT)
    clerk = User.objects.create_user("altro@example.org", is_staff=True)
    client.force_login(clerk)

    response = client.post(transition_url(agreement), {"to": "in_coprogettazione"})

    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == Status.DRAFT


def test_anonymous_cannot_reach_the_transition(client, db):
    agreement = agreement_in(Status.DRAFT)
    response = client.post(transition_url(agreement), {"to": "in_coprogettazione"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    agreement.refresh_from_db()
    assert agreement.status == Status.DRAFT


def test_staff_drafts_an_agreement_with_its_parties_in_the_admin(staff_client):
    quartiere = QuartiereFactory()
    add_page = staff_client.get("/admin/accordi/agreement/add/").content.decode()
    data = form_data(add_page, "agreement_form")
    data.update(
        {
            "title": ["Orti urbani di via Adua"],
            "slug": ["orti-urbani-di-via-adua"],
            "theme": ["verde"],
            "quartieri": [str(quartiere.pk)],
            "summary": ["Orti condivisi curati dai residenti."],
            "parties-TOTAL_FORMS": ["1"],
            "parties-0-kind": ["gruppo_informale"],
            "parties-0-name": ["Ortolani di via Adua"],
            "parties-0-signatory_name": ["Mario Rossi"],
            "parties-0-signatory_role": ["Referente"],
            "parties-0-order": ["1"],
        }
    )

    response = staff_client.post("/admin/accordi/agreement/add/", data)

    assert response.status_code == 302, response.context["errors"]
    agreement = Agreement.objects.get(slug="orti-urbani-di-via-adua")
    assert agreement.status == Status.DRAFT
    assert agreement.parties.get().display_name == "Ortolani di via Adua"


def test_an_edit_is_kept_in_the_history_with_who_and_the_difference(staff_client, staff_user):
    agreement = agreement_in(Status.DRAFT, title="Parco Ottavi")
    data = form_data(staff_client.get(change_url(agreement)).content.decode(), "agreement_form")
    data["title"] = ["Parco Ottavi bene comune"]
    data["parties-0-signatory_name"] = ["Giulia Neri"]

    response = staff_client.post(change_url(agreement), data)

    assert response.status_code == 302, response.context["errors"]
    latest = agreement.history.latest()
    assert latest.history_user == staff_user
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("title", "Parco Ottavi", "Parco Ottavi bene comune")
    ]
    party = Party.history.filter(signatory_name="Giulia Neri").get()
    assert party.history_user == staff_user

    history = staff_client.get(f"/admin/accordi/agreement/{agreement.pk}/history/")
    body = history.content.decode()
    assert history.status_code == 200
    assert "Parco Ottavi bene comune" in body
    assert staff_user.email in body or str(staff_user) in body
    assert "«Lucia Verdi» → «Giulia Neri»" in body
    # django-simple-history has no Italian catalogue: the project's own one fills the gap.
    assert "Modificato da" in body and "Changed by" not in body


def test_transition_is_in_the_history_with_its_user(staff_client, staff_user):
    agreement = agreement_in(Status.DRAFT)
    staff_client.post(transition_url(agreement), {"to": "in_coprogettazione"})

    latest = agreement.history.latest()
    assert latest.history_user == staff_user
    assert latest.status == Status.CODESIGN
    assert "Bozza → In co-progettazione" in latest.history_change_reason


def test_signed_agreement_text_is_read_only(staff_client):
    agreement = agreement_in(Status.SIGNED, title="Testo firmato")
    data = form_data(staff_client.get(change_url(agreement)).content.decode(), "agreement_form")
    data["title"] = ["Testo cambiato"]
    data["final_report"] = ["Prime note di monitoraggio."]

    staff_client.post(change_url(agreement), data)

    agreement.refresh_from_db()
    assert agreement.title == "Testo firmato"
    assert agreement.final_report == "Prime note di monitoraggio."


def test_history_cannot_revert_the_status(staff_client):
    agreement = agreement_in(Status.DRAFT)
    record = agreement.history.earliest()
    staff_client.post(transition_url(agreement), {"to": "in_coprogettazione"})
    url = f"/admin/accordi/agreement/{agreement.pk}/history/{record.history_id}/"
    data = form_data(staff_client.get(url).content.decode(), "agreement_form")

    assert staff_client.post(url, data).status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == Status.CODESIGN


def test_demo_staff_may_draft_and_run_transitions(demo_city):
    staff = User.objects.get(email="personale@demo.collabcity.it")
    assert staff.is_staff
    for permission in [
        "accordi.add_agreement",
        "accordi.change_agreement",
        "accordi.transition_agreement",
        "accordi.add_party",
        "accordi.add_commitment",
        "accordi.add_measurement",
        "accordi.add_attachment",
    ]:
        assert staff.has_perm(permission), permission
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/accordi/agreement/add/").status_code == 200


def test_measurements_are_recorded_from_the_indicator_page(staff_client):
    from .factories import IndicatorFactory

    indicator = IndicatorFactory(agreement=agreement_in(Status.ACTIVE))
    url = f"/admin/accordi/indicator/{indicator.pk}/change/"
    data = form_data(staff_client.get(url).content.decode(), "indicator_form")
    data.update(
        {
            "measurements-0-measured_on": [TODAY.isoformat()],
            "measurements-0-value": ["12"],
            "measurements-0-note": ["Prima rilevazione"],
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert indicator.measurements.get().value == 12
    assert indicator.next_due_on() == TODAY + relativedelta(months=3)  # quarterly


def test_status_changes_are_readable_by_staff(staff_client):
    assert staff_client.get("/admin/accordi/statuschange/").status_code == 200
