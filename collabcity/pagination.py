"""A page and the number of rows it is a page of, in one query."""

from collections.abc import Callable
from functools import partial

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


def page_with_total(
    queryset: QuerySet,
    number,
    per_page: int,
    *,
    read_rows: Callable[[int, int], list] | None = None,
) -> Page:
    """The page `number` of `queryset` as Paginator.get_page reads it (not a whole number: the
    first page; below 1 or past the end: the last), its rows carrying COUNT(*) OVER () so that
    the paginator needs no count of its own.

    Only for plain rows (no DISTINCT, no GROUP BY): the window counts the rows before either.
    read_rows(offset, limit), if given, reads the same rows (with rows_in_all) its own way.
    """
    if read_rows is None:
        read_rows = partial(_rows, queryset)
    paginator = Paginator(queryset, per_page)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    rows = read_rows((number - 1) * per_page, per_page) if number >= 1 else []
    if rows:
        paginator.count = rows[0].rows_in_all
    elif number == 1:
        paginator.count = 0
    else:  # a page that is not there: the last one, as get_page answers
        paginator.count = queryset.count()
        number = paginator.num_pages
        rows = read_rows((number - 1) * per_page, per_page) if paginator.count else []
    return Page(rows, number, paginator)


def _rows(queryset: QuerySet, offset: int, limit: int) -> list:
    counted = queryset.annotate(rows_in_all=Window(Count("pk")))
    return list(counted[offset : offset + limit])
