"""collabcity/pagination.py: a page and its total in one query, read as Paginator.get_page reads
the page number."""

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from collabcity.models import Notification
from collabcity.pagination import page_with_total
from collabcity.views import INBOX_PAGE_SIZE
from tests.factories import NotificationFactory, UserFactory


@pytest.fixture
def notifications(db):
    person = UserFactory()
    NotificationFactory.create_batch(7, recipient=person)
    return Notification.objects.filter(recipient=person).order_by("pk")


@pytest.mark.parametrize("number", [None, "", "abc", "1", 1, 2, "3", 4, 99, 0, -1, "2.5"])
def test_the_same_page_as_djangos_paginator(notifications, number):
    expected = Paginator(notifications, 3).get_page(number)
    page = page_with_total(notifications, number, 3)

    assert page.number == expected.number
    assert [n.pk for n in page] == [n.pk for n in expected]
    assert page.paginator.count == expected.paginator.count == 7
    assert page.paginator.num_pages == 3
    assert page.has_next() == expected.has_next()


def test_a_page_that_exists_is_one_query(notifications, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = page_with_total(notifications, "2", 3)
        assert len(page) == 3 and page.paginator.count == 7


def test_nothing_at_all_is_one_empty_first_page(db, django_assert_num_queries):
    nobodys = Notification.objects.filter(recipient=UserFactory())
    with django_assert_num_queries(1):
        page = page_with_total(nobodys, 1, 3)
    assert (page.number, list(page), page.paginator.count) == (1, [], 0)


def test_the_inbox_reads_its_pages_as_the_orm_would(citizen_client, citizen):
    now = timezone.now()
    NotificationFactory.create_batch(INBOX_PAGE_SIZE + 3, recipient=citizen, delivered_at=now)
    # Ties on the time: the model's order breaks them by id.
    Notification.objects.filter(recipient=citizen).update(created_at=now)
    NotificationFactory(recipient=citizen)  # not delivered yet
    NotificationFactory(recipient=UserFactory(), delivered_at=now)
    delivered = Paginator(
        Notification.objects.filter(recipient=citizen).delivered(), INBOX_PAGE_SIZE
    )

    for number in ("1", "2", "99", "abc"):
        page = citizen_client.get(f"/notifiche/?pagina={number}").context["page"]
        expected = delivered.get_page(number)
        assert (page.number, [n.pk for n in page]) == (expected.number, [n.pk for n in expected])
        assert page.paginator.count == expected.paginator.count == INBOX_PAGE_SIZE + 3
