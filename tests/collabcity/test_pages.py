import pytest
from django.utils import timezone

from tests.factories import (
    CentreFactory,
    NotificationFactory,
    OrganisationFactory,
    QuartiereFactory,
)


@pytest.fixture
def rosta_nuova(db):
    return QuartiereFactory(
        name="Rosta Nuova",
        ambito__code="D",
        ambito__name="Quartieri urbani tra il Crostolo e il Rodano",
    )


def test_home_is_in_italian_and_leads_to_the_four_programmes(client, rosta_nuova):
    body = client.get("/").content.decode()

    assert '<html lang="it"' in body
    assert "Comune di Reggio Emilia" in body
    for path in ["/consulte/", "/accordi/", "/centri-sociali/", "/volontariato/", "/quartieri/"]:
        assert f'href="{path}"' in body
    assert 'href="#main-content"' in body
    assert rosta_nuova.get_absolute_url() in body


def test_home_runs_a_fixed_number_of_queries(
    client, uncached_pages, db, django_assert_max_num_queries
):
    for _ in range(30):
        QuartiereFactory()
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200


def test_english_is_available_from_the_language_switch(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    body = response.content.decode()
    assert '<html lang="en"' in body
    assert "City of Reggio Emilia" in body
    assert "Comune di Reggio Emilia" not in body


def test_quartiere_finder_leads_to_the_chosen_quartiere(client, rosta_nuova):
    response = client.get("/quartieri/", {"quartiere": rosta_nuova.slug})

    assert response.status_code == 302
    assert response["Location"] == "/quartieri/rosta-nuova/"


def test_quartiere_finder_with_an_unknown_quartiere_explains_in_italian(client, rosta_nuova):
    response = client.get("/quartieri/", {"quartiere": "atlantide"})

    assert response.status_code == 200
    assert "Il quartiere scelto non esiste" in response.content.decode()


def test_quartiere_page_shows_its_ambito_centres_and_organisations(client, rosta_nuova):
    centre = CentreFactory(name="Centro sociale Rosta Nuova", quartiere=rosta_nuova)
    organisation = OrganisationFactory(name="Associazione del parco", quartiere=rosta_nuova)

    body = client.get(rosta_nuova.get_absolute_url()).content.decode()

    assert "Rosta Nuova" in body
    assert rosta_nuova.ambito.name in body
    assert centre.get_absolute_url() in body
    assert organisation.name in body


def test_unknown_quartiere_is_a_404(client, db):
    assert client.get("/quartieri/atlantide/").status_code == 404


def test_centre_list_and_page(client, uncached_pages, rosta_nuova, django_assert_max_num_queries):
    centres = [CentreFactory(quartiere=rosta_nuova) for _ in range(10)]

    with django_assert_max_num_queries(3):
        body = client.get("/centri-sociali/").content.decode()
    assert all(centre.name in body for centre in centres)
    detail = client.get(centres[0].get_absolute_url()).content.decode()
    assert centres[0].organisation.name in detail


@pytest.mark.parametrize("path", ["/consulte/", "/accordi/", "/volontariato/"])
def test_programme_pages_render(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "<h1" in response.content.decode()


def test_consulte_page_lists_one_consulta_per_ambito(client, rosta_nuova):
    body = client.get("/consulte/").content.decode()
    assert "Consulta dell'ambito D" in body
    assert rosta_nuova.ambito.name in body
    assert rosta_nuova.get_absolute_url() in body


def test_inbox_shows_only_the_users_delivered_notifications(citizen_client, citizen):
    NotificationFactory(recipient=citizen, subject="Consegnata", delivered_at=timezone.now())
    NotificationFactory(recipient=citizen, subject="In coda")
    NotificationFactory(subject="Di qualcun altro", delivered_at=timezone.now())

    body = citizen_client.get("/notifiche/").content.decode()

    assert "Consegnata" in body
    assert "In coda" not in body
    assert "Di qualcun altro" not in body


def test_marking_all_read_clears_the_unread_badge(citizen_client, citizen):
    notification = NotificationFactory(recipient=citizen, delivered_at=timezone.now())

    response = citizen_client.post("/notifiche/lette/", follow=True)

    notification.refresh_from_db()
    assert notification.read_at is not None
    assert response.context["unread_notifications"] == 0


def test_marking_read_with_a_bad_id_changes_nothing(citizen_client, citizen):
    notification = NotificationFactory(recipient=citizen, delivered_at=timezone.now())

    response = citizen_client.post("/notifiche/lette/", {"notification": "1; DROP"}, follow=True)

    notification.refresh_from_db()
    assert notification.read_at is None
    assert "Notifica non valida." in response.content.decode()


def test_inbox_with_a_page_out_of_range_shows_the_last_page(citizen_client, citizen):
    NotificationFactory(recipient=citizen, delivered_at=timezone.now())
    assert citizen_client.get("/notifiche/", {"pagina": "999"}).status_code == 200
    assert citizen_client.get("/notifiche/", {"pagina": "abc"}).status_code == 200


def test_inbox_pagination_is_elided_and_keeps_the_other_parameters(citizen_client, citizen):
    NotificationFactory.create_batch(20 * 15, recipient=citizen, delivered_at=timezone.now())

    body = citizen_client.get(
        "/notifiche/", {"pagina": "8", "argomento": "account"}
    ).content.decode()

    assert 'href="?pagina=9&amp;argomento=account"' in body
    assert body.count('<span class="page-link" aria-hidden="true">') == 2  # the two gaps
    assert 'href="?pagina=3&amp;' not in body


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/privacy/", "Informativa sul trattamento dei dati personali"),
        ("/accessibilita/", "Dichiarazione di accessibilità"),
        ("/note-legali/", "Note legali"),
    ],
)
def test_footer_links_to_the_legal_pages(client, db, path, heading):
    assert f'href="{path}"' in client.get("/").content.decode()
    assert f"<h1>{heading}</h1>" in client.get(path).content.decode()


def test_privacy_notice_shows_its_version_and_the_contact_address(client, db, settings):
    settings.CONTACT_EMAIL = "partecipazione@example.org"
    body = client.get("/privacy/").content.decode()
    assert settings.PRIVACY_NOTICE_VERSION in body
    assert 'href="mailto:partecipazione@example.org"' in body


def test_accessibility_statement_without_contact_address_points_to_the_comune(client, db, settings):
    settings.CONTACT_EMAIL = ""
    body = client.get("/accessibilita/").content.decode()
    assert "mailto:" not in body
    assert "recapiti del sito istituzionale" in body
