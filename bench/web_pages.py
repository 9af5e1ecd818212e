"""Public and logged-in pages under load, beside a Django hello-world in the same run.

    .venv/bin/python bench/web_pages.py [--seconds 10] [--connections 50]

Builds its own database (BENCH_DATABASE_URL, default collabcity_bench_web, dropped at the end)
with the demo city, then serves it with gunicorn, 2 sync workers, production settings over HTTP,
Redis (BENCH_REDIS_URL, default db 14, flushed) as cache and broker; bench/hello.py runs under the
same gunicorn. `wrk -t2 -c50` on each page in turn: requests/s and p99 beside the hello-world's.
Targets (issue 11): public pages >= 25 % of the hello-world's throughput and p99 <= 4x its p99;
logged-in pages >= 10 %.
"""

import argparse

from common import (
    BASE_DIR,
    Gunicorn,
    bench_database_url,
    bench_redis_url,
    drop_database,
    fetch,
    flush_redis,
    make_sessions,
    recreate_database,
    result,
    seed_demo,
    server_env,
    setup_production_django,
    wrk,
    wrk_errors,
)

PUBLIC_SHARE, P99_TIMES, LOGGED_IN_SHARE = 0.25, 4, 0.10
CITIZEN = "cittadina@demo.collabcity.it"


def pages() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(public pages, logged-in pages) as (label, path), the objects picked from the demo city."""
    from accordi.models import Agreement
    from centri_sociali.models import Centre
    from collabcity.models import Quartiere
    from consulte.models import Council
    from volontariato.models import Opportunity

    quartiere = Quartiere.objects.order_by("pk").first()
    council = Council.objects.filter(ambito__code="B").first() or Council.objects.first()
    centre = Centre.objects.order_by("pk").first()
    agreement = Agreement.objects.public().order_by("pk").first()
    opportunity = Opportunity.objects.filter(published=True).order_by("pk").first()
    public = [
        ("home", "/"),
        ("quartieri", "/quartieri/"),
        ("a quartiere", quartiere.get_absolute_url()),
        ("consulte", "/consulte/"),
        ("a council", council.get_absolute_url()),
        ("centri sociali", "/centri-sociali/"),
        ("a centre", centre.get_absolute_url()),
        ("calendar, month", "/centri-sociali/calendario/?vista=mese"),
        ("calendar, week", "/centri-sociali/calendario/?vista=settimana"),
        ("calendar, list", "/centri-sociali/calendario/?vista=elenco"),
        ("accordi", "/accordi/"),
        ("an agreement", agreement.get_absolute_url()),
        ("volontariato", "/volontariato/"),
        ("an opportunity", opportunity.get_absolute_url()),
    ]
    logged_in = [("home", "/"), ("profile", "/profilo/"), ("notifications", "/notifiche/")]
    return public, logged_in


def main(seconds: float, connections: int) -> None:
    url = bench_database_url("collabcity_bench_web")
    redis_url = bench_redis_url()
    recreate_database(url)
    try:
        setup_production_django(url, redis_url)
        from django.db import connections as databases

        from collabcity.models import User

        seed_demo(url)
        public, logged_in = pages()
        citizen = User.objects.get(email=CITIZEN)
        [(session, _cookie, _token)] = make_sessions([citizen])
        databases.close_all()
        env = server_env(url, redis_url)
        with (
            Gunicorn("hello:application", env, chdir=BASE_DIR / "bench") as hello_url,
            Gunicorn("collabcity.wsgi", env) as portal,
        ):
            run(portal, hello_url, public, logged_in, f"sessionid={session}", seconds, connections)
    finally:
        from django.db import connections as databases

        databases.close_all()
        flush_redis(redis_url)
        drop_database(url)


def run(portal, hello_url, public, logged_in, cookie, seconds, connections) -> None:
    from django.utils.html import escape

    from collabcity.models import User

    name = escape(str(User.objects.get(email=CITIZEN)))  # as the header shows who is logged in
    for _label, path in public:
        status, _body = fetch(portal + path)
        assert status == 200, (path, status)
    for _label, path in logged_in:
        status, body = fetch(portal + path, {"Cookie": cookie})
        assert status == 200 and name in body, (path, status, "not the citizen's page")
    hello = wrk(hello_url + "/", seconds=seconds, connections=connections)
    print(
        f"hello-world: {hello['requests'] / hello['seconds']:,.0f} req/s, "
        f"p99 {hello['p99_ms']:.0f} ms",
        flush=True,
    )
    hello_rps = hello["requests"] / hello["seconds"]
    ceiling = f"{hello_rps:,.0f} req/s, p99 {hello['p99_ms']:.0f} ms"
    for label, path in public:
        figures = wrk(portal + path, seconds=seconds, connections=connections)
        rps = figures["requests"] / figures["seconds"]
        share, slower = rps / hello_rps, figures["p99_ms"] / hello["p99_ms"]
        errors = wrk_errors(figures)
        result(
            f"public: {label}",
            f"{rps:,.0f} req/s, p99 {figures['p99_ms']:.0f} ms"
            + (f", {errors} errors" if errors else ""),
            ceiling=ceiling,
            ratio=f"{share:.0%}, p99 {slower:.1f}x",
            target=f">= {PUBLIC_SHARE:.0%}, p99 <= {P99_TIMES}x",
            ok=share >= PUBLIC_SHARE and slower <= P99_TIMES and not errors,
        )
    for label, path in logged_in:
        figures = wrk(
            portal + path, seconds=seconds, connections=connections, headers=(f"Cookie: {cookie}",)
        )
        rps = figures["requests"] / figures["seconds"]
        share = rps / hello_rps
        errors = wrk_errors(figures)
        result(
            f"logged in: {label}",
            f"{rps:,.0f} req/s, p99 {figures['p99_ms']:.0f} ms"
            + (f", {errors} errors" if errors else ""),
            ceiling=ceiling,
            ratio=f"{share:.0%}",
            target=f">= {LOGGED_IN_SHARE:.0%}",
            ok=share >= LOGGED_IN_SHARE and not errors,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    main(args.seconds, args.connections)
