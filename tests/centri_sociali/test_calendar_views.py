"""The city calendar: views, filters in the URL, constant queries; the network list."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from centri_sociali import services
from tests.factories import CentreFactory, QuartiereFactory

from .factories import ActivityFactory, FacilityFactory, RoomFactory, rome, weekly

MONTH = "/centri-sociali/calendario/?vista=mese&data=2027-03-01"


def many_series(first: int, last: int) -> None:
    for n in range(first, last):
        room = RoomFactory()
        activity = weekly(
            centre=room.centre, room=room, title=f"Corso {n}", weekdays=[n % 5],
            starts_at=rome(2027, 2, 1, 9 + n % 10), ends_at=rome(2027, 2, 1, 10 + n % 10),
            repeat_count=20,
        )  # fmt: skip
        services.cancel_occurrence(
            activity=activity, original_start=activity.starts_at + timedelta(weeks=5)
        )


@pytest.mark.parametrize("view", ["mese", "settimana", "giorno", "elenco"])
def test_calendar_queries_do_not_grow_with_the_activities(
    client, uncached_pages, db, view, django_assert_max_num_queries
):
    url = f"/centri-sociali/calendario/?vista={view}&data=2027-03-08&dal=2027-03-01&al=2027-03-31"
    many_series(0, 3)
    with django_assert_max_num_queries(4) as few:
        before = client.get(url).context["slot_count"]
    many_series(3, 33)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["slot_count"] >= 5 * before > 0


def test_month_view_shows_the_dates_and_marks_the_suspended_one(client, room):
    activity = weekly(centre=room.centre, room=room, title="Ginnastica dolce", weekdays=[3],
                      starts_at=rome(2027, 3, 4, 18), ends_at=rome(2027, 3, 4, 19))  # fmt: skip
    services.cancel_occurrence(activity=activity, original_start=rome(2027, 3, 11, 18))

    response = client.get(MONTH)

    weeks = response.context["weeks"]
    march = {cell["day"]: cell["slots"] for week in weeks for cell in week if cell["in_month"]}
    assert [len(march[date(2027, 3, day)]) for day in (4, 11, 18, 25)] == [1, 1, 1, 1]
    assert march[date(2027, 3, 11)][0].cancelled
    assert "Sospesa" in response.text
    assert "<del>" in response.text


def test_filters_combine_and_stay_in_the_paging_links(client, db):
    quartiere = QuartiereFactory(name="Orologio", slug="orologio")
    here, elsewhere = CentreFactory(quartiere=quartiere), CentreFactory()
    for centre in (here, elsewhere):
        weekly(centre=centre, title=f"Ballo {centre.pk}", category="ballo", repeat_count=40,
               starts_at=rome(2027, 3, 1, 20), ends_at=rome(2027, 3, 1, 22),
               weekdays=[0, 1, 2, 3, 4])  # fmt: skip
    weekly(centre=here, title="Yoga a pagamento", category="sport_benessere", price=5,
           starts_at=rome(2027, 3, 1, 9), ends_at=rome(2027, 3, 1, 10))  # fmt: skip

    url = (
        "/centri-sociali/calendario/?vista=elenco&quartiere=orologio&categoria=ballo"
        "&gratuite=on&dal=2027-03-01&al=2027-04-30"
    )
    response = client.get(url)

    slots = response.context["page"].object_list
    assert {slot.activity.centre for slot in slots} == {here}
    assert {slot.activity.category for slot in slots} == {"ballo"}
    assert response.context["page"].paginator.count == 40
    assert "quartiere=orologio&amp;categoria=ballo&amp;gratuite=on" in response.text
    assert "pagina=2" in response.text
    page_two = client.get(url + "&pagina=2")
    assert len(page_two.context["page"].object_list) == 15


def test_free_only_filter_excludes_paid_activities(client, room):
    ActivityFactory(centre=room.centre, room=room, title="Gratis", starts_at=rome(2027, 3, 2, 9),
                    ends_at=rome(2027, 3, 2, 10))  # fmt: skip
    ActivityFactory(centre=room.centre, room=room, title="A pagamento", price=3,
                    starts_at=rome(2027, 3, 3, 9), ends_at=rome(2027, 3, 3, 10))  # fmt: skip
    response = client.get(MONTH + "&gratuite=on")
    assert "Gratis" in response.text and "A pagamento" not in response.text


def test_bad_filters_give_a_message_not_an_error(client, db):
    response = client.get("/centri-sociali/calendario/?vista=elenco&dal=2027-05-01&al=2027-03-01")
    assert response.status_code == 200
    assert "La data «al» deve venire dopo la data «dal»." in response.text
    response = client.get(
        "/centri-sociali/calendario/?vista=boh&data=ieri&categoria=nessuna&pagina=x"
    )
    assert response.status_code == 200


def test_unpublished_activity_is_not_in_the_calendar(client, room):
    ActivityFactory(centre=room.centre, room=room, title="Bozza", published=False,
                    starts_at=rome(2027, 3, 2, 9), ends_at=rome(2027, 3, 2, 10))  # fmt: skip
    assert "Bozza" not in client.get(MONTH).text


def test_network_list_filters_by_quartiere_facility_and_offer(client, db):
    quartiere = QuartiereFactory(name="Rosta Nuova", slug="rosta-nuova")
    bar = FacilityFactory(name="Bar", slug="bar")
    with_bar = CentreFactory(name="Centro con bar", quartiere=quartiere)
    with_bar.facilities.add(bar)
    CentreFactory(name="Centro senza bar", quartiere=quartiere)
    dancing = CentreFactory(name="Centro del ballo")
    ActivityFactory(centre=dancing, category="ballo")

    names = lambda url: [c.name for c in client.get(url).context["listing"]["centres"]]  # noqa: E731
    assert names("/centri-sociali/?quartiere=rosta-nuova") == ["Centro con bar", "Centro senza bar"]
    assert names("/centri-sociali/?servizio=bar") == ["Centro con bar"]
    assert names("/centri-sociali/?attivita=ballo") == ["Centro del ballo"]


def test_network_list_works_without_javascript_and_has_map_data(client, db):
    CentreFactory(name="Centro mappato", latitude="44.698000", longitude="10.631000")
    response = client.get("/centri-sociali/")
    assert "Centro mappato" in response.text  # the plain list
    assert 'id="centre-markers"' in response.text and "44.698" in response.text
    assert "tile.openstreetmap.org" not in response.text  # tiles are asked by the script only


def test_centre_page_shows_facts_hours_rooms_and_upcoming(client, room):
    centre = room.centre
    centre.phone, centre.email = "0522 000 111", "orologio@demo.collabcity.it"
    centre.accessibility_notes = "Ingresso senza gradini."
    centre.agreement_start, centre.agreement_end = date(2024, 1, 1), date(2028, 12, 31)
    centre.save()
    centre.opening_hours.create(weekday=0, opens_at="15:00", closes_at="19:00")
    soon = timezone.now().replace(microsecond=0, second=0) + timedelta(days=2)
    ActivityFactory(centre=centre, room=room, title="Tombola", starts_at=soon,
                    ends_at=soon + timedelta(hours=1))  # fmt: skip

    response = client.get(centre.get_absolute_url())

    text = response.text
    for expected in ("0522 000 111", "Ingresso senza gradini.", "15:00–19:00", "Salone",
                     "fino a 60 persone", "Tombola", "31 dicembre 2028", "webcal://"):  # fmt: skip
        assert expected in text, expected


def test_network_list_queries_are_constant(
    client, uncached_pages, db, django_assert_max_num_queries
):
    for n in range(12):
        centre = CentreFactory()
        centre.facilities.add(FacilityFactory(name=f"Servizio {n}", slug=f"s-{n}"))
    with django_assert_max_num_queries(3):
        response = client.get("/centri-sociali/?servizio=s-3")
    assert [c.name for c in response.context["listing"]["centres"]] == [
        CentreFactory._meta.model.objects.get(facilities__slug="s-3").name
    ]
