from django.test import Client
from django.views.defaults import server_error


def test_server_error_page_renders_without_a_request_context(rf, db):
    response = server_error(rf.get("/"))

    assert response.status_code == 500
    body = response.content.decode()
    assert "Si è verificato un errore" in body
    assert 'lang="it"' in body


def test_a_form_posted_without_its_csrf_token_gets_the_explanation(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/account/login/", {"login": "a@example.org", "password": "x"})

    assert response.status_code == 403
    assert "ricarica la pagina e riprova" in response.content.decode()


def test_unknown_page_is_a_404_in_the_sites_look(client, db):
    response = client.get("/pagina-che-non-esiste/")

    assert response.status_code == 404
    assert "Città collaborativa" in response.content.decode()
