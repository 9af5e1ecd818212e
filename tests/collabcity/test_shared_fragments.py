"""The parts of a page that are the same for everyone, cached for logged-in people too
(`{% shared %}`, collabcity/page_cache.py): never anyone's own data, and never stale."""

import re

import pytest
from django.template import engines
from django.test import Client, RequestFactory
from django.utils import timezone

from accordi.models import Agreement, Status
from centri_sociali.models import CentreFollow
from collabcity import page_cache
from collabcity.auth_backends import PortalBackend
from collabcity.forms import QuartiereChoiceField
from collabcity.models import MutedTopic, User
from tests.accordi.factories import agreement_in
from tests.factories import (
    DEFAULT_PASSWORD,
    CentreFactory,
    NotificationFactory,
    QuartiereFactory,
    UserFactory,
)
from tests.volontariato.factories import (
    OpportunityFactory,
    ShiftFactory,
    SignupFactory,
    VolunteerFactory,
)

MANAGEMENT = "/centri-sociali/gestione/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stored_fragments() -> list[bytes]:
    redis = page_cache.pages()._cache.get_client()
    return [key for key in redis.keys("*") if b":fragments:" in key]


def footer_stored_as(url: str, html: str) -> None:
    """The footer stored under the page's current version replaced, as every web process will
    read it: the copies this process keeps are dropped."""
    key = page_cache.page_key(
        RequestFactory().get(url), page_cache.current_version(), "fragments", "it"
    )
    entry = page_cache.pages().get(key)
    entry["html"]["footer"] = html
    page_cache.pages().set(key, entry, 60)
    page_cache.fragments_kept_here.clear()


@pytest.fixture
def centre(db):
    return CentreFactory(quartiere=QuartiereFactory(name="Rosta Nuova"))


def test_two_people_on_one_cached_page_each_see_only_their_own_name_and_buttons(centre):
    follower = UserFactory(first_name="Zebedeo", last_name="Quaglierini")
    CentreFollow.objects.create(centre=centre, user=follower)
    other = UserFactory(first_name="Ermenegilda", last_name="Pizzoccheri")

    first = logged_in(follower).get(centre.get_absolute_url()).content.decode()
    assert stored_fragments()
    second = logged_in(other).get(centre.get_absolute_url()).content.decode()

    assert "Zebedeo" in first and "Smetti di seguire il centro" in first
    assert "Ermenegilda" in second and "Segui il centro" in second
    assert "Zebedeo" not in second and "Smetti di seguire il centro" not in second
    assert centre.name in second


def test_a_page_from_the_cached_fragments_reads_only_the_person_and_the_version(
    citizen_client, django_assert_num_queries
):
    for _ in range(20):
        QuartiereFactory()
    citizen_client.get("/")

    # The user with their unread count and the version, in one query; the session comes from
    # Redis.
    with django_assert_num_queries(1):
        body = citizen_client.get("/").content.decode()
    assert "Ambiti territoriali e quartieri" in body


def test_the_person_comes_with_the_version_of_the_moment_they_are_read(citizen):
    first = PortalBackend().get_user(citizen.pk)
    assert first.page_version_read == ("default", page_cache.current_version())

    QuartiereFactory()  # a write the public pages show

    (alias, version) = PortalBackend().get_user(citizen.pk).page_version_read
    assert (alias, version) == ("default", page_cache.current_version())
    assert version > first.page_version_read[1]


def test_a_version_brought_from_another_database_is_not_used(citizen):
    request = RequestFactory().get("/")
    request.user = PortalBackend().get_user(citizen.pk)
    request.user.page_version_read = ("replica", -1)

    assert page_cache.read_version(request)[0] == page_cache.current_version() >= 0


def test_the_persons_menu_shares_its_fixed_parts_but_not_their_name_count_staff_link_or_token(db):
    staff = UserFactory(first_name="Zebedeo", last_name="Quaglierini", is_staff=True)
    NotificationFactory.create_batch(2, recipient=staff, delivered_at=timezone.now())
    citizen = UserFactory(first_name="Ermenegilda", last_name="Pizzoccheri")

    first = logged_in(staff).get("/").content.decode()
    key = page_cache.page_key(
        RequestFactory().get("/"), page_cache.current_version(), "fragments", "it"
    )
    stored = page_cache.pages().get(key)["html"]
    second = logged_in(citizen).get("/").content.decode()

    assert {"account-open", "account-links", "account-logout", "account-close"} <= stored.keys()
    shared = "".join(stored.values())
    for personal in ("Zebedeo", "(2 notifiche non lette)", "/admin/", "csrfmiddlewaretoken"):
        assert personal in first and personal not in shared
    assert "Ermenegilda" in second and "/profilo/" in second and "csrfmiddlewaretoken" in second
    for others in ("Zebedeo", "notifiche non lette", "/admin/"):
        assert others not in second


def test_a_person_sees_their_unread_notifications_at_once_on_a_cached_page(citizen_client, citizen):
    citizen_client.get("/")
    NotificationFactory(recipient=citizen, delivered_at=timezone.now())

    body = citizen_client.get("/").content.decode()

    assert "(1 notifica non letta)" in body


def test_someone_signed_in_by_the_login_page_gets_their_unread_count_with_themselves(
    client, db, django_assert_num_queries
):
    person = UserFactory(email="ludovica@example.org")
    now = timezone.now()
    NotificationFactory.create_batch(2, recipient=person, delivered_at=now)
    NotificationFactory(recipient=person, delivered_at=now, read_at=now)
    NotificationFactory(recipient=person)  # not delivered yet
    NotificationFactory(recipient=UserFactory(), delivered_at=now)
    client.post("/account/login/", {"login": person.email, "password": DEFAULT_PASSWORD})
    client.get("/")

    with django_assert_num_queries(1):
        body = client.get("/").content.decode()

    assert "(2 notifiche non lette)" in body
    NotificationFactory(recipient=person, delivered_at=now)
    assert "(3 notifiche non lette)" in client.get("/").content.decode()


def test_a_notification_read_leaves_the_count_at_once(citizen_client, citizen):
    first, _ = NotificationFactory.create_batch(2, recipient=citizen, delivered_at=timezone.now())
    assert "(2 notifiche non lette)" in citizen_client.get("/").content.decode()

    citizen_client.post("/notifiche/lette/", {"notification": first.pk})

    body = citizen_client.get("/").content.decode()
    assert "(1 notifica non letta)" in body


def test_a_new_agreement_is_on_the_list_at_once_for_a_logged_in_person(citizen_client, db):
    agreement_in(Status.ACTIVE, title="Orti condivisi di via Roma")
    assert "Orti condivisi di via Roma" in citizen_client.get("/accordi/").content.decode()

    agreement_in(Status.ACTIVE, title="Portierato di quartiere al Tondo")
    body = citizen_client.get("/accordi/").content.decode()

    assert "Orti condivisi di via Roma" in body
    assert "Portierato di quartiere al Tondo" in body


def test_fragments_are_kept_per_language(citizen_client, db):
    citizen_client.get("/")
    citizen_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    body = citizen_client.get("/").content.decode()

    assert "City of Reggio Emilia" in body
    assert "Comune di Reggio Emilia" not in body


def test_a_personal_page_shares_its_menus_but_not_its_content(db):
    one = UserFactory(first_name="Zebedeo", last_name="Quaglierini")
    other = UserFactory(first_name="Ermenegilda", last_name="Pizzoccheri")

    logged_in(one).get("/profilo/")
    assert stored_fragments()
    body = logged_in(other).get("/profilo/").content.decode()

    assert "Pizzoccheri" in body
    assert "Quaglierini" not in body


def render_shared(request) -> str:
    template = engines["django"].from_string(
        '{% load shared %}{% shared "part" %}[{{ user }}|{% csrf_token %}|{{ perms.collabcity }}]'
        "{% endshared %}"
    )
    return template.render({}, request)


def test_a_shared_fragment_is_rendered_as_an_anonymous_visitor_would_see_it(db):
    request = RequestFactory().get("/")
    request.user = UserFactory(first_name="Zebedeo", is_superuser=True)
    request.session = {}

    html = render_shared(request)

    assert "Zebedeo" not in html
    assert "csrfmiddlewaretoken" not in html
    assert html == "[AnonymousUser||set()]"


def test_a_request_that_did_not_read_the_version_first_gets_no_fragment_from_the_cache(db):
    request = RequestFactory().get("/")
    request.user = UserFactory()
    request.session = {}

    render_shared(request)

    assert not stored_fragments()


def test_two_people_on_one_agreement_page_each_see_only_their_own_name(db):
    agreement = agreement_in(Status.ACTIVE, title="Orti condivisi di via Roma")
    one = UserFactory(first_name="Zebedeo", last_name="Quaglierini")
    other = UserFactory(first_name="Ermenegilda", last_name="Pizzoccheri")

    logged_in(one).get(agreement.get_absolute_url())
    assert stored_fragments()
    body = logged_in(other).get(agreement.get_absolute_url()).content.decode()

    assert "Pizzoccheri" in body and "Quaglierini" not in body
    assert "Orti condivisi di via Roma" in body and "Gli impegni" in body


def test_an_agreement_page_from_the_cached_fragments_reads_the_agreement_but_not_its_contents(
    citizen_client, db, django_assert_num_queries
):
    agreement = agreement_in(Status.ACTIVE)
    citizen_client.get(agreement.get_absolute_url())

    # The user with their unread count and the version, then the agreement (or a 404).
    with django_assert_num_queries(2):
        citizen_client.get(agreement.get_absolute_url())


def test_a_changed_agreement_shows_at_once_to_a_logged_in_person(citizen_client, db):
    agreement = agreement_in(Status.ACTIVE, summary="Prima versione")
    assert "Prima versione" in citizen_client.get(agreement.get_absolute_url()).content.decode()

    Agreement.objects.filter(pk=agreement.pk).update(summary="Seconda versione")

    body = citizen_client.get(agreement.get_absolute_url()).content.decode()
    assert "Seconda versione" in body and "Prima versione" not in body


def test_the_volunteering_page_shares_its_body_but_not_the_persons_buttons(db):
    OpportunityFactory(title="Pulizia del parco del Popolo")
    ShiftFactory(opportunity__title="Doposcuola al Tondo")
    volunteer = VolunteerFactory(user__first_name="Zebedeo")
    other = UserFactory(first_name="Ermenegilda")

    first = logged_in(volunteer.user).get("/volontariato/").content.decode()
    assert stored_fragments()
    second = logged_in(other).get("/volontariato/").content.decode()

    assert "Il mio volontariato" in first and "Candidati come volontario" not in first
    assert "Candidati come volontario" in second and "Il mio volontariato" not in second
    assert "Doposcuola al Tondo" in first and "Doposcuola al Tondo" in second


def test_an_opportunity_page_shares_what_it_is_but_not_the_persons_signups(db):
    shift = ShiftFactory(opportunity__title="Doposcuola al Tondo", opportunity__place="Via Roma 3")
    signed_up = SignupFactory(shift=shift, volunteer__user__first_name="Zebedeo").volunteer
    other = VolunteerFactory(user__first_name="Ermenegilda")
    url = shift.opportunity.get_absolute_url()

    first = logged_in(signed_up.user).get(url).content.decode()
    assert stored_fragments()
    second = logged_in(other.user).get(url).content.decode()

    assert "Sei iscritto" in first
    assert "Sei iscritto" not in second and "Iscriviti" in second
    assert "Via Roma 3" in first and "Via Roma 3" in second


def test_a_page_seen_again_takes_its_fragments_from_this_process_until_the_version_moves(
    citizen_client, monkeypatch, db
):
    """One read from Redis per page and version: the copy this process keeps serves the next
    visits, and a write that changes pages moves the version, hence the key, at once."""
    fragment_reads = []
    pages = page_cache.pages()
    read_from_redis = pages.get

    def counted(key, *args, **kwargs):
        if key.startswith("fragments:"):
            fragment_reads.append(key)
        return read_from_redis(key, *args, **kwargs)

    monkeypatch.setattr(pages, "get", counted)
    agreement_in(Status.ACTIVE, title="Orti condivisi di via Roma")
    citizen_client.get("/accordi/")
    page_cache.fragments_kept_here.clear()  # as in a process that did not store them

    assert "Orti condivisi di via Roma" in citizen_client.get("/accordi/").content.decode()
    assert len(fragment_reads) == 2  # the first visit found nothing, the second its entry
    assert "Orti condivisi di via Roma" in citizen_client.get("/accordi/").content.decode()
    assert len(fragment_reads) == 2

    agreement_in(Status.ACTIVE, title="Portierato di quartiere al Tondo")
    body = citizen_client.get("/accordi/").content.decode()
    assert "Portierato di quartiere al Tondo" in body
    assert len(fragment_reads) == 3


def test_a_copy_kept_in_the_process_that_the_clock_made_stale_gives_way_to_redis(
    citizen_client, db
):
    citizen_client.get("/")
    footer_stored_as("/", "<footer>da-redis</footer>")
    key = page_cache.page_key(
        RequestFactory().get("/"), page_cache.current_version(), "fragments", "it"
    )
    stale = {
        "expires": timezone.now().timestamp() - 1,
        "html": {"footer": "<footer>scaduto</footer>"},
    }
    page_cache.fragments_kept_here.put(key, stale)

    body = citizen_client.get("/").content.decode()

    assert "da-redis" in body and "scaduto" not in body


def test_the_process_keeps_only_the_most_recently_used_entries():
    kept = page_cache._RecentEntries(size=2)
    kept.put("a", {"html": 1})
    kept.put("b", {"html": 2})
    assert kept.get("a") == {"html": 1}  # now the most recent
    kept.put("c", {"html": 3})

    assert kept.get("b") is None
    assert kept.get("a") == {"html": 1} and kept.get("c") == {"html": 3}


def test_the_process_keeps_an_entry_no_longer_than_redis_would(settings):
    kept = page_cache._RecentEntries(size=2)
    settings.PAGE_CACHE_MAX_AGE = 60
    kept.put("a", {"html": 1})
    settings.PAGE_CACHE_MAX_AGE = 0
    kept.put("b", {"html": 2})

    assert kept.get("a") == {"html": 1}
    assert kept.get("b") is None


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request runs
def test_a_forms_answer_reads_the_fragments_a_visit_stored_but_stores_none(citizen_client):
    """After its writes a POST reads the version afresh and takes the fragments a GET stored
    under it (the receipt of a vote is such an answer); what it renders is never stored, since
    the view may have read its data before the version it would be stored under."""
    invalid = {"first_name": "Anna", "last_name": "Rossi", "quartiere": "atlantide"}
    citizen_client.get("/profilo/")
    footer_stored_as("/profilo/", "<footer>dalla-cache</footer>")

    answer = citizen_client.post("/profilo/", invalid)
    assert answer.status_code == 200
    assert "dalla-cache" in answer.content.decode()

    page_cache.pages().clear()
    page_cache.fragments_kept_here.clear()
    answer = citizen_client.post("/profilo/", invalid)
    assert answer.status_code == 200
    assert "dalla-cache" not in answer.content.decode()
    assert not stored_fragments()


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request runs
def test_the_receipt_of_a_vote_takes_the_fragments_of_the_version_read_with_the_voter():
    """The cast writes only to tables no page shows: its answer does not read the version again
    after the commit, and takes the fragments stored under the one read with the voter."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.consulte.council_factories import CouncilFactory
    from tests.consulte.factories import (
        CandidateFactory,
        ElectionFactory,
        ElectorFactory,
        verify,
    )

    election = ElectionFactory(council=CouncilFactory())
    candidate = CandidateFactory(election=election)
    url = f"/consulte/elezioni/{election.pk}/scheda/"

    def voter() -> Client:
        return logged_in(verify(elector=ElectorFactory(election=election)).user)

    first = voter()
    first.get(url)
    footer_stored_as(url, "<footer>dalla-cache</footer>")
    with CaptureQueriesContext(connection) as queries:
        receipt = first.post(url, {"step": "cast", "candidate": [candidate.pk]})
    assert receipt.status_code == 200 and "dalla-cache" in receipt.content.decode()
    # Read once, with the voter.
    assert sum("collabcity_page_version" in q["sql"] for q in queries.captured_queries) == 1

    # A write that changes pages comes before the next voter: their version is the new one,
    # under which no fragment is stored yet.
    second = voter()
    second.get(url)
    footer_stored_as(url, "<footer>dalla-cache</footer>")
    agreement_in(Status.ACTIVE)
    receipt = second.post(url, {"step": "cast", "candidate": [candidate.pk]})
    assert receipt.status_code == 200
    assert "dalla-cache" not in receipt.content.decode()


# --- values kept under the version (page_cache.kept_under_version, kept_for_person) ---------


def profile_links(client) -> set[str]:
    body = client.get("/profilo/").content.decode()
    start = body.index('id="my-pages-title"')
    return set(re.findall(r'class="list-item" href="([^"]+)"', body[start:]))


def test_a_new_seat_shows_on_the_profile_at_once_and_only_on_its_holders(db):
    manager, neighbour = UserFactory(), UserFactory()
    clients = {person: logged_in(person) for person in (manager, neighbour)}
    for client in clients.values():
        assert MANAGEMENT not in profile_links(client)

    CentreFactory().managers.add(manager)

    assert MANAGEMENT in profile_links(clients[manager])
    assert MANAGEMENT not in profile_links(clients[neighbour])


def test_the_profile_kept_under_the_version_reads_no_role_again(
    citizen_client, django_assert_max_num_queries
):
    citizen_client.get("/profilo/")

    # The person and the version: their form, seats and roles are kept.
    with django_assert_max_num_queries(2):
        citizen_client.get("/profilo/")


def test_a_topic_muted_from_the_admin_shows_on_the_profile_at_once(citizen_client, citizen):
    switch = re.compile(r'<input type="checkbox" name="topic_calendar"[^>]*>')
    assert "checked" in switch.search(citizen_client.get("/profilo/").content.decode()).group()

    MutedTopic.objects.create(user=citizen, topic="calendar")

    assert "checked" not in switch.search(citizen_client.get("/profilo/").content.decode()).group()


def test_the_profile_offers_a_new_quartiere_at_once_in_each_language(citizen_client):
    citizen_client.get("/profilo/")
    QuartiereFactory(name="Gavasseto", slug="gavasseto")

    assert (
        '<option value="gavasseto">Gavasseto</option>'
        in citizen_client.get("/profilo/").content.decode()
    )
    citizen_client.cookies["django_language"] = "en"
    english = citizen_client.get("/profilo/").content.decode()
    assert "My bookings for community centre activities" in english
    assert '<option value="gavasseto">Gavasseto</option>' in english


def test_a_value_is_kept_per_version_and_computed_afresh_after_a_write(db):
    request = RequestFactory().get("/")
    page_cache.read_version(request)
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert page_cache.kept_under_version(request, "test-value", compute) == 1
    assert page_cache.kept_under_version(request, "test-value", compute) == 1
    QuartiereFactory()
    after_write = RequestFactory().get("/")
    page_cache.read_version(after_write)
    assert page_cache.kept_under_version(after_write, "test-value", compute) == 2
    # A POST reads no version: nothing is kept.
    post = RequestFactory().post("/")
    page_cache.read_version(post)
    assert page_cache.kept_under_version(post, "test-value", compute) == 3


def test_a_change_committed_between_reading_the_person_and_the_version_is_not_kept_stale(
    citizen_client, citizen, monkeypatch
):
    read_version = page_cache.read_version

    def change_committed_just_before(request):
        # The person was read (login_required) before this: a profile saved elsewhere commits.
        if not hasattr(request, "page_version"):
            User.objects.filter(pk=citizen.pk).update(first_name="Gelsomina")
        return read_version(request)

    monkeypatch.setattr(page_cache, "read_version", change_committed_just_before)
    assert 'value="Gelsomina"' in citizen_client.get("/profilo/").content.decode()
    monkeypatch.setattr(page_cache, "read_version", read_version)
    assert 'value="Gelsomina"' in citizen_client.get("/profilo/").content.decode()


def test_a_select_of_some_quartieri_is_not_kept_as_the_citys_list(db):
    every = QuartiereChoiceField()
    some = QuartiereChoiceField()
    some.queryset = some.queryset.filter(name__startswith="R")

    assert every.choices.kept_as.startswith("quartiere-options:")
    assert some.choices.kept_as is None
    every.empty_label = "Nessuno"
    assert every.choices.kept_as != QuartiereChoiceField().choices.kept_as
