import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collabcity.models import Organisation
from tests.factories import OrganisationFactory, QuartiereFactory, UserFactory
from tests.volontariato.factories import (
    OpportunityFactory,
    ShiftFactory,
    SignupFactory,
    VolunteerFactory,
    skill,
)
from volontariato import services
from volontariato.models import Certificate, HoursLog, Opportunity, Signup, SkillCode, Volunteer

LIST_URL = reverse("volontariato:opportunity_list")


def logged_in(client, user):
    client.force_login(user)
    return client


def titles(response):
    return [opportunity.title for opportunity in response.context["page"].object_list]


# --- Opportunities list ----------------------------------------------------------------------


def test_list_shows_published_opportunities_with_upcoming_shifts_only(client, db):
    ShiftFactory(opportunity__title="Con turni")
    ShiftFactory(opportunity__title="Bozza", opportunity__published=False)
    past = timezone.now() - timedelta(days=2)
    ShiftFactory(opportunity__title="Passata", starts_at=past, ends_at=past + timedelta(hours=1))

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert titles(response) == ["Con turni"]


def test_list_filters_by_quartiere_skill_organisation_and_date(client, db):
    quartiere = QuartiereFactory(name="Orologio")
    association = OrganisationFactory(name="Auser")
    match = ShiftFactory(
        opportunity__title="Giusta", opportunity__quartiere=quartiere,
        opportunity__organisation=association,
    )  # fmt: skip
    match.opportunity.skills.add(skill(SkillCode.VERDE))
    ShiftFactory(opportunity__title="Altro quartiere", opportunity__organisation=association)
    day = timezone.localtime(match.starts_at).date()

    assert titles(client.get(LIST_URL, {"quartiere": "orologio"})) == ["Giusta"]
    assert titles(client.get(LIST_URL, {"competenza": "verde"})) == ["Giusta"]
    assert set(titles(client.get(LIST_URL, {"ente": association.slug}))) == {
        "Giusta",
        "Altro quartiere",
    }
    assert set(titles(client.get(LIST_URL, {"data": day.isoformat()}))) == {
        "Giusta",
        "Altro quartiere",
    }
    assert titles(client.get(LIST_URL, {"data": (day + timedelta(days=1)).isoformat()})) == []


def test_invalid_filter_gives_a_message_not_an_error(client, db):
    ShiftFactory()
    response = client.get(LIST_URL, {"quartiere": "non-esiste", "data": "ieri"})
    assert response.status_code == 200
    assert "non sono validi" in response.content.decode()
    assert len(titles(response)) == 1


def test_paging_keeps_the_filters(client, db):
    quartiere = QuartiereFactory(name="Tondo")
    for _ in range(13):
        ShiftFactory(opportunity__quartiere=quartiere)
    response = client.get(LIST_URL, {"quartiere": "tondo"})
    assert "?quartiere=tondo&amp;pagina=2" in response.content.decode()
    assert len(titles(client.get(LIST_URL, {"quartiere": "tondo", "pagina": 2}))) == 1


def test_list_runs_a_fixed_number_of_queries(
    client, uncached_pages, db, django_assert_max_num_queries
):
    def add_opportunities(count):
        for _ in range(count):
            shift = ShiftFactory()
            shift.opportunity.skills.add(skill(SkillCode.VERDE), skill(SkillCode.EVENTI))

    volunteer = VolunteerFactory(availability=["1-mattina"])
    volunteer.skills.add(skill(SkillCode.VERDE))
    logged_in(client, volunteer.user)
    add_opportunities(2)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    add_opportunities(10)
    # Session, user, volunteer and its choices, counts, the filter selects, the page, skills.
    with django_assert_max_num_queries(16):
        response = client.get(LIST_URL)
    assert len(titles(response)) == 12
    with CaptureQueriesContext(connection) as many:
        client.get(LIST_URL)
    assert len(many) == len(few)


def test_volunteer_sees_matching_opportunities_first(client, db):
    soon = ShiftFactory(opportunity__title="Presto, non adatta")
    later = soon.starts_at + timedelta(days=7)
    fit = ShiftFactory(
        opportunity__title="Adatta", starts_at=later, ends_at=later + timedelta(hours=2)
    )
    fit.opportunity.skills.add(skill(SkillCode.DIGITALE))
    weekday = timezone.localtime(later).isoweekday()
    volunteer = VolunteerFactory(availability=[f"{weekday}-mattina"])
    volunteer.skills.add(skill(SkillCode.DIGITALE))

    assert titles(client.get(LIST_URL)) == ["Presto, non adatta", "Adatta"]
    response = logged_in(client, volunteer.user).get(LIST_URL)
    assert titles(response) == ["Adatta", "Presto, non adatta"]
    assert response.context["page"].object_list[0].match_score == 2
    assert "Adatta a te" in response.content.decode()


# --- Opportunity page and sign-up ------------------------------------------------------------


def test_unpublished_opportunity_is_not_public(client, db):
    opportunity = OpportunityFactory(published=False)
    assert client.get(opportunity.get_absolute_url()).status_code == 404
    assert (
        logged_in(client, opportunity.coordinator).get(opportunity.get_absolute_url()).status_code
        == 200
    )


def test_opportunity_page_shows_places_left(client, db):
    shift = ShiftFactory(places=3)
    SignupFactory(shift=shift)
    response = client.get(shift.opportunity.get_absolute_url())
    assert "2 su 3" in response.content.decode()


def test_sign_up_needs_post(client, db):
    volunteer = VolunteerFactory()
    shift = ShiftFactory()
    url = reverse("volontariato:shift_signup", args=[shift.pk])
    assert logged_in(client, volunteer.user).get(url).status_code == 405
    assert not Signup.objects.exists()


def test_sign_up_from_the_page_and_a_double_click(client, db):
    volunteer = VolunteerFactory()
    shift = ShiftFactory()
    url = reverse("volontariato:shift_signup", args=[shift.pk])
    logged_in(client, volunteer.user)

    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    assert "Sei iscritto al turno" in first.content.decode()
    assert "Sei già iscritto a questo turno" in second.content.decode()
    assert Signup.objects.filter(volunteer=volunteer).count() == 1


def test_full_shift_offers_the_waiting_list(client, db):
    shift = ShiftFactory(places=1)
    SignupFactory(shift=shift)
    volunteer = VolunteerFactory()
    logged_in(client, volunteer.user)

    page = client.get(shift.opportunity.get_absolute_url()).content.decode()
    assert "Mettiti in lista d'attesa" in page
    response = client.post(
        reverse("volontariato:shift_signup", args=[shift.pk]), {"lista_attesa": "1"}, follow=True
    )
    assert "posizione 1" in response.content.decode()
    assert Signup.objects.get(volunteer=volunteer).status == Signup.Status.WAITING


def test_applicant_cannot_sign_up(client, db):
    volunteer = VolunteerFactory(applied=True)
    shift = ShiftFactory()
    response = logged_in(client, volunteer.user).post(
        reverse("volontariato:shift_signup", args=[shift.pk]), follow=True
    )
    assert "Solo i volontari attivi" in response.content.decode()
    assert not Signup.objects.exists()


def test_volunteer_cancels_only_their_own_signup(client, db):
    signup = SignupFactory()
    url = reverse("volontariato:signup_cancel", args=[signup.pk])
    assert logged_in(client, VolunteerFactory().user).post(url).status_code == 404
    logged_in(client, signup.volunteer.user).post(url)
    signup.refresh_from_db()
    assert signup.status == Signup.Status.CANCELLED


# --- Application -----------------------------------------------------------------------------


def application_data(**overrides):
    birth = timezone.localdate().replace(year=timezone.localdate().year - 40)
    return {
        "birth_date": birth.isoformat(),
        "skills": ["verde", "digitale"],
        "availability": ["2-sera"],
        "motivation": "Per il mio quartiere.",
        "consent": "on",
        **overrides,
    }


def test_citizen_applies_from_the_page(client, citizen, db):
    skill(SkillCode.VERDE), skill(SkillCode.DIGITALE)
    response = logged_in(client, citizen).post(
        reverse("volontariato:apply"), application_data(), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("volontariato:my_volunteering")
    volunteer = Volunteer.objects.get(user=citizen)
    assert volunteer.status == Volunteer.Status.APPLIED
    assert set(volunteer.skills.values_list("code", flat=True)) == {"verde", "digitale"}


def test_minor_gets_a_message_and_nothing_is_stored(client, citizen, db):
    birth = timezone.localdate() - timedelta(days=365 * 17)
    response = logged_in(client, citizen).post(
        reverse("volontariato:apply"), application_data(birth_date=birth.isoformat())
    )
    assert response.status_code == 200
    assert "almeno 18 anni" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_application_without_consent_is_not_stored(client, citizen, db):
    data = application_data()
    del data["consent"]
    response = logged_in(client, citizen).post(reverse("volontariato:apply"), data)
    assert "acconsentire" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_own_page_sends_a_non_volunteer_to_the_application(client, citizen, db):
    response = logged_in(client, citizen).get(reverse("volontariato:my_volunteering"))
    assert response.url == reverse("volontariato:apply")


# --- Hours and certificates on the pages -----------------------------------------------------


def past_signup(volunteer=None):
    start = timezone.now() - timedelta(days=2)
    shift = ShiftFactory(starts_at=start, ends_at=start + timedelta(hours=3))
    return SignupFactory(shift=shift, **({"volunteer": volunteer} if volunteer else {}))


def test_coordinator_confirms_hours_from_the_attendance_page(client, db):
    signup = past_signup()
    coordinator = signup.shift.opportunity.coordinator
    logged_in(client, coordinator)
    page = client.get(reverse("volontariato:shift_attendance", args=[signup.shift_id]))
    assert signup.volunteer.display_name in page.content.decode()

    client.post(
        reverse("volontariato:record_attendance", args=[signup.pk]),
        {"outcome": "confermate", "hours": "2.75"},
    )
    assert HoursLog.objects.get().hours == Decimal("2.75")


def test_volunteer_submits_hours_from_their_page(client, db):
    signup = past_signup()
    logged_in(client, signup.volunteer.user).post(
        reverse("volontariato:submit_hours", args=[signup.pk]), {"hours": "abc"}
    )
    assert not HoursLog.objects.exists()
    client.post(reverse("volontariato:submit_hours", args=[signup.pk]), {"hours": "2"})
    assert HoursLog.objects.get().status == HoursLog.Status.SUBMITTED


def test_certificate_request_download_and_public_verification(client, db):
    signup = past_signup()
    services.record_attendance(
        signup=signup, by=signup.shift.opportunity.coordinator, outcome="confermate"
    )
    user = signup.volunteer.user
    user.first_name, user.last_name = "Marta", "Bianchi"
    user.save()
    today = timezone.localdate()
    logged_in(client, user).post(
        reverse("volontariato:certificate_request"),
        {"period_from": (today - timedelta(days=30)).isoformat(), "period_to": today.isoformat()},
    )
    certificate = Certificate.objects.get()

    pdf = client.get(reverse("volontariato:certificate_download", args=[certificate.code]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")

    client.logout()
    typed = certificate.code.replace("-", " ").lower()
    page = client.get(reverse("volontariato:certificate_verify"), {"code": typed})
    text = page.content.decode()
    assert "Attestato valido" in text
    assert "M. B." in text
    assert "Bianchi" not in text
    assert ">3<" in text  # the confirmed hours
    invalid = client.get(reverse("volontariato:certificate_verify"), {"code": "AAAA-BBBB-CCCC"})
    assert "Non valido" in invalid.content.decode()


def test_certificate_of_somebody_else_is_not_found(client, db):
    signup = past_signup()
    services.record_attendance(
        signup=signup, by=signup.shift.opportunity.coordinator, outcome="confermate"
    )
    today = timezone.localdate()
    certificate = services.issue_certificate(
        volunteer=signup.volunteer, period_from=today - timedelta(days=9), period_to=today
    )
    url = reverse("volontariato:certificate_download", args=[certificate.code])
    assert logged_in(client, VolunteerFactory().user).get(url).status_code == 404


# --- Totals ----------------------------------------------------------------------------------


def test_totals_per_organisation_and_csv(client, registry_coordinator, db):
    comune = OrganisationFactory(name="Comune", kind=Organisation.Kind.COMUNE)
    for _ in range(2):
        start = timezone.now() - timedelta(days=3)
        shift = ShiftFactory(
            opportunity__organisation=comune, starts_at=start, ends_at=start + timedelta(hours=2)
        )
        services.record_attendance(
            signup=SignupFactory(shift=shift),
            by=registry_coordinator,
            outcome="confermate",
            hours=Decimal("1.5"),
        )
    logged_in(client, registry_coordinator)

    response = client.get(reverse("volontariato:totals"), {"per": "ente"})
    assert response.context["rows"] == [
        {"label": "Comune", "hours": Decimal("3.00"), "shifts": 2, "volunteers": 2}
    ]
    csv = client.get(reverse("volontariato:totals"), {"per": "ente", "formato": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "Comune,3.00,2,2"


def test_totals_group_by_year_and_quartiere(client, registry_coordinator, db):
    signup = past_signup()
    services.record_attendance(signup=signup, by=registry_coordinator, outcome="confermate")
    logged_in(client, registry_coordinator)
    year = timezone.localtime(signup.shift.starts_at).year
    by_year = client.get(reverse("volontariato:totals"), {"per": "anno", "anno": year})
    assert by_year.context["rows"][0]["label"] == str(year)
    by_quartiere = client.get(reverse("volontariato:totals"), {"per": "quartiere"})
    assert by_quartiere.context["rows"][0]["label"] == signup.shift.opportunity.quartiere.name
    assert client.get(reverse("volontariato:totals"), {"per": "nulla"}).status_code == 200


# --- Data export and cessation ---------------------------------------------------------------


def test_volunteer_downloads_all_their_data(client, db):
    signup = past_signup()
    response = logged_in(client, signup.volunteer.user).get(reverse("volontariato:personal_data"))
    data = json.loads(response.content)
    assert data["persona"]["email"] == signup.volunteer.user.email
    assert data["turni"][0]["opportunita"] == signup.shift.opportunity.title
    assert "attachment" in response["Content-Disposition"]


def test_ceasing_erases_personal_data_and_keeps_anonymous_hours(client, registry_coordinator, db):
    signup = past_signup()
    services.record_attendance(signup=signup, by=registry_coordinator, outcome="confermate")
    volunteer = signup.volunteer
    volunteer.skills.add(skill(SkillCode.VERDE))
    upcoming = SignupFactory(volunteer=volunteer)
    today = timezone.localdate()
    certificate = services.issue_certificate(
        volunteer=volunteer, period_from=today - timedelta(days=9), period_to=today
    )
    user = volunteer.user

    logged_in(client, user).post(reverse("volontariato:cease"), {"conferma": "1"})

    volunteer.refresh_from_db()
    upcoming.refresh_from_db()
    certificate.refresh_from_db()
    assert volunteer.status == Volunteer.Status.CEASED
    assert volunteer.user is None
    assert (volunteer.birth_date, volunteer.phone, volunteer.motivation) == (None, "", "")
    assert not volunteer.skills.exists()
    assert not volunteer.history.filter(changed_by=user).exists()
    assert upcoming.status == Signup.Status.CANCELLED
    assert certificate.holder_name == volunteer.initials or "." in certificate.holder_name
    assert user.last_name not in certificate.holder_name
    logged_in(client, registry_coordinator)
    rows = client.get(reverse("volontariato:totals"), {"per": "volontario"}).context["rows"]
    assert rows[0]["label"] == f"Volontario cessato n. {volunteer.pk}"
    assert rows[0]["hours"] == Decimal("3.00")


def test_ceasing_needs_the_confirmation(client, db):
    volunteer = VolunteerFactory()
    logged_in(client, volunteer.user).post(reverse("volontariato:cease"))
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.ACTIVE


# --- Status changes on the portal ------------------------------------------------------------


def test_registry_coordinator_activates_with_insurance_dates(client, registry_coordinator, db):
    volunteer = VolunteerFactory(status=Volunteer.Status.TRAINING, insurance_from=None,
                                 insurance_to=None)  # fmt: skip
    today = timezone.localdate()
    response = logged_in(client, registry_coordinator).post(
        volunteer.get_absolute_url(),
        {
            "to_status": "attivo",
            "insurance_from": today.isoformat(),
            "insurance_to": (today + timedelta(days=365)).isoformat(),
        },
        follow=True,
    )
    assert "Stato del volontario aggiornato" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.ACTIVE


def test_activation_without_dates_shows_the_rule(client, registry_coordinator, db):
    volunteer = VolunteerFactory(status=Volunteer.Status.TRAINING, insurance_from=None,
                                 insurance_to=None)  # fmt: skip
    response = logged_in(client, registry_coordinator).post(
        volunteer.get_absolute_url(), {"to_status": "attivo"}
    )
    assert "copertura assicurativa" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.TRAINING


def test_municipal_staff_changes_status_in_the_admin_through_the_service(
    client, municipal_staff, db
):
    volunteer = VolunteerFactory(applied=True)
    logged_in(client, municipal_staff)
    url = reverse("admin:volontariato_volunteer_change", args=[volunteer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "attivo", "insurance_from": "", "insurance_to": "",
                                 "training_notes": "", **inline_management()})  # fmt: skip
    assert response.status_code == 200  # the form comes back with the rule
    client.post(url, {"status": "formazione", "insurance_from": "", "insurance_to": "",
                      "training_notes": "Corso del 3 marzo", **inline_management()})  # fmt: skip
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.TRAINING
    assert volunteer.history.filter(to_status="formazione", changed_by=municipal_staff).exists()


def inline_management():
    return {
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
        "history-MIN_NUM_FORMS": "0",
        "history-MAX_NUM_FORMS": "0",
    }


def test_admin_sign_up_uses_the_same_eligibility_check(client, municipal_staff, db):
    applicant = VolunteerFactory(applied=True)
    shift = ShiftFactory()
    logged_in(client, municipal_staff)
    response = client.post(
        reverse("admin:volontariato_signup_add"), {"shift": shift.pk, "volunteer": applicant.pk}
    )
    assert response.status_code == 200
    assert "Solo i volontari attivi" in response.content.decode()
    assert not Signup.objects.exists()
    active = VolunteerFactory()
    client.post(
        reverse("admin:volontariato_signup_add"), {"shift": shift.pk, "volunteer": active.pk}
    )
    assert Signup.objects.get().volunteer == active


@pytest.mark.parametrize("name", ["volunteer_list", "totals", "coordination"])
def test_staff_pages_are_closed_to_citizens(client, citizen, db, name):
    assert logged_in(client, citizen).get(reverse(f"volontariato:{name}")).status_code == 403


# --- Posting opportunities and shifts --------------------------------------------------------


def test_registry_coordinator_posts_an_opportunity_and_a_shift(client, registry_coordinator, db):
    quartiere = QuartiereFactory()
    organisation = OrganisationFactory()
    skill(SkillCode.CUCINA)
    logged_in(client, registry_coordinator)
    assert client.get(reverse("volontariato:opportunity_create")).status_code == 200
    response = client.post(
        reverse("volontariato:opportunity_create"),
        {
            "title": "Pranzo solidale",
            "description": "Cucinare insieme.",
            "place": "Centro sociale",
            "quartiere": quartiere.pk,
            "organisation": organisation.pk,
            "coordinator": registry_coordinator.pk,
            "skills": ["cucina"],
            "published": "on",
        },
    )
    opportunity = Opportunity.objects.get(title="Pranzo solidale")
    assert response.url == reverse("volontariato:shift_add", args=[opportunity.pk])
    day = timezone.localdate() + timedelta(days=7)
    client.post(
        response.url, {"day": day.isoformat(), "start": "11:00", "end": "14:30", "places": 4}
    )
    shift = opportunity.shifts.get()
    assert (shift.places, shift.duration_hours) == (4, Decimal("3.50"))


def test_shift_must_end_after_it_starts(client, db):
    opportunity = OpportunityFactory()
    logged_in(client, opportunity.coordinator)
    day = timezone.localdate() + timedelta(days=7)
    response = client.post(
        reverse("volontariato:shift_add", args=[opportunity.pk]),
        {"day": day.isoformat(), "start": "11:00", "end": "10:00", "places": 4},
    )
    assert "finire dopo" in response.content.decode()
    assert not opportunity.shifts.exists()


def test_only_registry_staff_post_opportunities_and_only_coordinators_add_shifts(client, db):
    opportunity = OpportunityFactory()
    logged_in(client, opportunity.coordinator)
    assert client.get(reverse("volontariato:opportunity_create")).status_code == 403
    assert client.get(reverse("volontariato:shift_add", args=[opportunity.pk])).status_code == 200
    # Others see a published opportunity, so they are refused (403); a draft is not found (404).
    logged_in(client, UserFactory())
    assert client.get(reverse("volontariato:shift_add", args=[opportunity.pk])).status_code == 403
    draft = OpportunityFactory(published=False)
    assert client.get(reverse("volontariato:shift_add", args=[draft.pk])).status_code == 404


def test_volunteer_updates_skills_and_availability(client, db):
    volunteer = VolunteerFactory(availability=["1-mattina"], phone="0522 1")
    skill(SkillCode.LINGUE)
    logged_in(client, volunteer.user)
    page = client.get(reverse("volontariato:preferences"))
    assert 'value="1-mattina"' in page.content.decode()
    response = client.post(
        reverse("volontariato:preferences"),
        {"skills": ["lingue"], "availability": ["7-sera", "2-mattina"], "phone": "0522 2"},
    )
    assert response.url == reverse("volontariato:my_volunteering")
    volunteer.refresh_from_db()
    assert volunteer.availability == ["2-mattina", "7-sera"]
    assert volunteer.phone == "0522 2"
    assert list(volunteer.skills.values_list("code", flat=True)) == ["lingue"]
    bad = client.post(reverse("volontariato:preferences"), {"availability": ["9-notte"]})
    assert bad.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.availability == ["2-mattina", "7-sera"]
