import re
import smtplib
from unittest import mock

import pytest
from allauth.account.models import EmailAddress

from collabcity.models import Notification, User
from collabcity.services import assign_role
from consulte.roles import POLL_WORKER
from tests.consulte.council_factories import CouncillorFactory
from tests.factories import DEFAULT_PASSWORD, CentreFactory, QuartiereFactory, UserFactory
from volontariato.roles import VOLUNTEER_COORDINATOR

CONFIRM_LINK = re.compile(r"http://testserver(/account/confirm-email/[^/\s]+/)")


def sign_up(client, email="giulia@example.org", password="girasole-del-crostolo-42"):
    return client.post(
        "/account/signup/", {"email": email, "password1": password, "password2": password}
    )


def test_sign_up_sends_a_verification_email_and_does_not_log_in(client, db, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    user = User.objects.get(email="giulia@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert CONFIRM_LINK.search(mailoutbox[0].body)
    assert "_auth_user_id" not in client.session


def test_unverified_user_cannot_log_in(client, db):
    sign_up(client)

    response = client.post(
        "/account/login/", {"login": "giulia@example.org", "password": "girasole-del-crostolo-42"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_confirming_the_email_verifies_logs_in_and_welcomes(client, db, mailoutbox):
    sign_up(client)
    confirm_path = CONFIRM_LINK.search(mailoutbox[0].body).group(1)

    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)

    user = User.objects.get(email="giulia@example.org")
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Notification.objects.filter(recipient=user, topic="account").count() == 1


def test_sign_up_with_a_taken_email_creates_nothing_and_does_not_reveal_the_account(
    client, db, mailoutbox
):
    UserFactory(email="giulia@example.org")

    response = sign_up(client)

    # The page is the same as for a new address; only the owner learns, by e-mail.
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert User.objects.filter(email__iexact="giulia@example.org").count() == 1
    assert [m.to for m in mailoutbox] == [["giulia@example.org"]]
    assert "/account/confirm-email/" not in mailoutbox[0].body


def test_sign_up_with_mismatched_passwords_stores_nothing(client, db):
    response = client.post(
        "/account/signup/",
        {"email": "marco@example.org", "password1": "girasole-42-x", "password2": "altra-cosa-77"},
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="marco@example.org").exists()


def test_verified_user_logs_in_with_email_and_password(client, db):
    user = UserFactory(email="luca@example.org")

    response = client.post(
        "/account/login/", {"login": "luca@example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_repeated_failed_logins_are_rate_limited(client, db):
    UserFactory(email="luca@example.org")
    statuses = [
        client.post(
            "/account/login/", {"login": "luca@example.org", "password": "sbagliata"}
        ).status_code
        for _ in range(6)
    ]

    assert statuses == [200] * 6
    correct = client.post(
        "/account/login/", {"login": "luca@example.org", "password": DEFAULT_PASSWORD}
    )
    assert "Troppi tentativi di accesso. Riprova più tardi." in correct.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_to_a_known_address(client, db, mailoutbox):
    UserFactory(email="luca@example.org")

    response = client.post("/account/password/reset/", {"email": "luca@example.org"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/account/password/reset/key/" in mailoutbox[0].body


def test_pages_of_the_account_are_in_italian(client, db):
    body = client.get("/account/login/").content.decode()
    assert 'lang="it"' in body
    assert "Accedi" in body


@pytest.mark.parametrize("path", ["/profilo/", "/notifiche/"])
def test_personal_pages_need_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_profile_saves_name_quartiere_and_preferences(citizen_client, citizen):
    quartiere = QuartiereFactory(name="Rosta Nuova")

    response = citizen_client.post(
        "/profilo/",
        {
            "first_name": "Giulia",
            "last_name": "Bianchi",
            "quartiere": quartiere.slug,
            "email_notifications": "on",
            "topic_elections": "on",
        },
        follow=True,
    )

    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.last_name, citizen.quartiere) == (
        "Giulia",
        "Bianchi",
        quartiere,
    )
    assert citizen.email_notifications and not citizen.has_muted("elections")
    assert citizen.has_muted("calendar") and citizen.has_muted("volunteering")
    assert "Il tuo profilo è stato aggiornato." in response.content.decode()


def test_profile_with_an_unknown_quartiere_changes_nothing(citizen_client, citizen):
    response = citizen_client.post(
        "/profilo/", {"first_name": "Nuovo", "last_name": "Nome", "quartiere": "atlantide"}
    )

    citizen.refresh_from_db()
    assert response.status_code == 200
    assert citizen.first_name == "Anna"
    assert "Il profilo non è stato salvato" in response.content.decode()


def test_profile_form_without_csrf_token_is_refused(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    client.force_login(user)

    response = client.post("/profilo/", {"first_name": "X", "last_name": "Y"})

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.first_name == "Anna"


def test_sign_up_survives_a_mail_server_that_is_down(client, db):
    with mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPConnectError(421, "busy")
    ):
        response = sign_up(client)

    assert response.status_code == 302
    assert User.objects.filter(email="giulia@example.org").exists()
    follow = client.get(response["Location"])
    assert "Non siamo riusciti a inviare l&#x27;e-mail" in follow.content.decode()


def test_profile_form_shows_the_saved_quartiere_selected(citizen_client, citizen):
    citizen.quartiere = QuartiereFactory(name="Ospizio")
    citizen.save()

    body = citizen_client.get("/profilo/").content.decode()

    assert '<option value="ospizio" selected>' in body


def profile_links(client) -> set[str]:
    body = client.get("/profilo/").content.decode()
    start = body.index('id="my-pages-title"')
    section = body[start : body.index("</section>", start)]
    return set(re.findall(r'class="list-item" href="([^"]+)"', section))


def test_profile_of_a_citizen_links_their_registrations_and_volunteering(citizen_client):
    assert profile_links(citizen_client) == {
        "/centri-sociali/le-mie-iscrizioni/",
        "/volontariato/il-mio-volontariato/",
    }


def test_profile_links_the_working_pages_of_each_seat_and_role(client, db):
    person = UserFactory()
    CouncillorFactory(user=person)
    CentreFactory().managers.add(person)
    assign_role(user=person, role=VOLUNTEER_COORDINATOR)
    assign_role(user=person, role=POLL_WORKER)
    client.force_login(person)

    assert {
        "/consulte/la-mia-consulta/",
        "/centri-sociali/gestione/",
        "/volontariato/coordinamento/",
        "/consulte/elezioni/",
    } <= profile_links(client)


def test_profile_offers_a_switch_for_each_registered_topic_and_saving_twice_keeps_one_row(
    citizen_client, citizen
):
    page = citizen_client.get("/profilo/").content.decode()
    for code in ("elections", "calendar", "agreements", "volunteering"):
        assert f'name="topic_{code}"' in page
    form = {"first_name": "G", "last_name": "B", "email_notifications": "on"}

    citizen_client.post("/profilo/", form)
    citizen_client.post("/profilo/", {**form, "topic_calendar": "on"})

    assert set(citizen.muted_topics.values_list("topic", flat=True)) == {
        "elections",
        "agreements",
        "volunteering",
    }
