# ruff: noqa: S608  (table names come from the models; every value is a parameter)
"""Seconds to record and queue one message to 100,000 people, and what a broker outage costs.

    .venv/bin/python bench/notifications_fanout.py [recipients]

On PostgreSQL (BENCH_DATABASE_URL, default collabcity_bench_fanout, dropped at the end) with Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/14, flushed before and after). Prints:
- the fan-out through `notify_many` (rows recorded and delivery tasks queued, committed), beside
  the ceiling: a raw INSERT ... SELECT of as many notification rows in the same database;
- 20 single `notify()` calls, each in its own transaction, with the broker unreachable, beside
  20 that publish nothing: what the outage adds to them in all (the first refused try opens
  the breaker; the others do not wait).
"""

import sys
import time

from common import (
    bench_database_url,
    bench_redis_url,
    drop_database,
    recreate_database,
    result,
    setup_django,
)

FANOUT_SECONDS, OUTAGE_MS = 10, 50


def main(recipients: int) -> None:
    url = bench_database_url("collabcity_bench_fanout")
    redis_url = bench_redis_url()
    recreate_database(url)
    try:
        setup_django(url, redis_url)
        flush_redis()
        run(recipients)
    finally:
        from django.db import connections

        flush_redis()
        connections.close_all()
        drop_database(url)


def flush_redis() -> None:
    from collabcity.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()


def run(recipients: int) -> None:
    from django.db import connection, transaction

    from collabcity import notifications
    from collabcity.celery import app
    from collabcity.models import Notification, User

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {User._meta.db_table}
                (password, is_superuser, first_name, last_name, is_staff, is_active,
                 date_joined, email, email_notifications)
            SELECT '', false, 'Nome', 'Cognome', false, true, now(),
                   'persona' || i || '@example.org', true
            FROM generate_series(1, %s) AS i
            """,
            [recipients],
        )
    people = User.objects.order_by("pk").only("pk")

    started = time.perf_counter()
    with transaction.atomic():
        count = notifications.notify_many(
            recipients=people,
            topic=Notification.ACCOUNT_TOPIC,
            event="collabcity/welcome",
        )
    ours = time.perf_counter() - started
    assert count == recipients == Notification.objects.count()

    Notification.objects.all().delete()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Notification._meta.db_table}
                (recipient_id, topic, subject, body, url, created_at, emailed, attempts,
                 last_error, once_key)
            SELECT id, 'account', 'Oggetto', 'Testo', '', now(), false, 0, '', ''
            FROM {User._meta.db_table}
            """
        )
    ceiling = time.perf_counter() - started
    print(
        f"fan-out to {recipients:,} people, recorded and queued: {ours:.2f} s "
        f"({recipients / ours:,.0f}/s); raw INSERT ... SELECT of the rows: {ceiling:.2f} s; "
        f"ratio {ours / ceiling:.1f}x"
    )
    result(
        f"fan-out to {recipients:,} people",
        f"{ours:.2f} s ({recipients / ours:,.0f}/s)",
        ceiling=f"INSERT ... SELECT {ceiling:.2f} s",
        ratio=f"{ours / ceiling:.1f}x",
        target=f"<= {FANOUT_SECONDS} s for 100,000",
        ok=ours * 100_000 / recipients <= FANOUT_SECONDS,
    )

    def twenty_notifies(people) -> float:
        started = time.perf_counter()
        for person in people:
            with transaction.atomic():
                notifications.notify(
                    recipient=person, topic=Notification.ACCOUNT_TOPIC, event="collabcity/welcome"
                )
        return time.perf_counter() - started

    # What the outage adds to them: beside the same calls with nothing published at all (the
    # breaker held open), the records and commits alone. With the broker up, for the record.
    working = twenty_notifies(list(people[20:40]))
    notifications.broker_breaker.trip()
    unpublished = twenty_notifies(list(people[40:60]))
    notifications.broker_breaker.reset()
    working_broker = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        outage = twenty_notifies(list(people[:20]))
    finally:
        app.conf.broker_url = working_broker
    delay = outage - unpublished
    print(
        f"broker unreachable: 20 notify() calls, each committed, took {outage * 1000:.0f} ms "
        f"in all ({outage * 1000 / 20:.1f} ms each); without publishing "
        f"{unpublished * 1000:.0f} ms, with the broker up {working * 1000:.0f} ms; "
        f"the outage added {delay * 1000:.0f} ms"
    )
    result(
        "broker down: 20 notify()",
        f"{outage * 1000:.0f} ms",
        ceiling=f"unpublished {unpublished * 1000:.0f} ms",
        ratio=f"{delay * 1000:+.0f} ms",
        target=f"<= {OUTAGE_MS} ms added",
        ok=delay * 1000 <= OUTAGE_MS,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
