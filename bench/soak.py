"""Soak: mixed journeys of 100 concurrent users for 5 minutes against the demo city.

    .venv/bin/python bench/soak.py [--seconds 300] [--users 100]

Builds its own database (BENCH_DATABASE_URL, default collabcity_bench_soak, dropped at the end)
with the demo city; gunicorn (2 sync workers, production settings over HTTP, Redis from
BENCH_REDIS_URL as cache and broker) serves it; wrk with bench/wrk/soak.lua keeps `--users`
connections busy walking a plan of journeys made here: browsing the public pages, filtering the
city calendar, registering for an activity's date, taking a volunteering shift (with the waiting
list, some of the time), voting in the demo election. The writes come from citizens who are
active, insured volunteers, and from electors on the roll, all logged in beforehand, with their
CSRF tokens (each elector votes once).
Required: no error (connection, timeout, answer that is not 2xx/3xx), no answer >= 500, no
booking over capacity, an envelope for every vote stored. The p99 is reported.
"""

import argparse
import datetime
import random
import tempfile
from pathlib import Path

from common import (
    Gunicorn,
    bench_database_url,
    bench_redis_url,
    drop_database,
    flush_redis,
    make_sessions,
    recreate_database,
    result,
    seed_demo,
    server_env,
    setup_production_django,
    write_sessions,
    wrk,
)
from consulte_common import verified_electors

THREADS = 2


def make_people(users: int, voters: int):
    """(citizens who volunteer, electors of the open demo election) with their sessions."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from collabcity.models import Quartiere, User
    from consulte.models import Election
    from volontariato.models import Volunteer

    today = timezone.localdate()
    citizens = User.objects.bulk_create(
        [
            User(
                email=f"soak{n}@bench.invalid",
                first_name="Cittadino",
                last_name=f"Soak {n}",
                password=make_password(None),
            )
            for n in range(users)
        ]
    )
    Volunteer.objects.bulk_create(
        [
            Volunteer(
                user=user,
                status=Volunteer.Status.ACTIVE,
                consent_at=timezone.now(),
                consent_version="bench",
                insurance_from=today - datetime.timedelta(days=30),
                insurance_to=today + datetime.timedelta(days=365),
            )
            for user in citizens
        ]
    )
    election = next(e for e in Election.objects.order_by("pk") if e.is_open)
    quartiere = Quartiere.objects.filter(ambito=election.council.ambito).first()
    electors = verified_electors(election, quartiere, voters, "SOAK")
    return make_sessions(citizens), make_sessions(electors), election


def plan(election, rng: random.Random, journeys: int = 400) -> list[tuple[str, str, str, str]]:
    """Journeys one after the other, as (method, path, body, who) for soak.lua."""
    from django.urls import reverse
    from django.utils import timezone

    from centri_sociali import recurrence
    from centri_sociali.models import Activity, Centre
    from collabcity.models import Quartiere
    from volontariato.models import Opportunity, Shift

    now = timezone.now()
    quartieri = list(Quartiere.objects.filter(centres__isnull=False).distinct())
    categories = list(Activity.Category.values)
    centres = list(Centre.objects.order_by("pk"))
    dates = []  # (page of the date, its registration) of activities that take registrations
    for activity in Activity.objects.published().filter(registration_required=True):
        for start in recurrence.rule_starts(activity, now, now + datetime.timedelta(days=30))[:3]:
            kwargs = {"pk": activity.pk, "key": recurrence.occurrence_key(start)}
            dates.append(
                (
                    reverse("centri_sociali:occurrence_detail", kwargs=kwargs),
                    reverse("centri_sociali:occurrence_register", kwargs=kwargs),
                )
            )
    shifts = list(
        Shift.objects.filter(opportunity__published=True, starts_at__gt=now).select_related(
            "opportunity"
        )
    )
    assert dates and shifts, "the demo city has no dates to register for or shifts to take"
    opportunities = list(Opportunity.objects.filter(published=True))
    candidates = list(election.candidates.approved().values_list("pk", flat=True))
    ballot = reverse("consulte:ballot", kwargs={"pk": election.pk})

    def browse():
        centre, quartiere = rng.choice(centres), rng.choice(quartieri)
        return [
            ("GET", "/", "", "anon"),
            ("GET", "/quartieri/", "", "anon"),
            ("GET", quartiere.get_absolute_url(), "", "anon"),
            ("GET", "/centri-sociali/", "", "anon"),
            ("GET", centre.get_absolute_url(), "", "anon"),
            ("GET", rng.choice(["/consulte/", "/accordi/", "/volontariato/"]), "", "anon"),
        ]

    def calendar():
        views = ["mese", "settimana", "elenco"]
        return [
            ("GET", f"/centri-sociali/calendario/?vista={rng.choice(views)}"
             f"&quartiere={rng.choice(quartieri).slug}", "", "anon"),
            ("GET", f"/centri-sociali/calendario/?vista={rng.choice(views)}"
             f"&categoria={rng.choice(categories)}", "", "anon"),
            ("GET", f"/centri-sociali/calendario/?vista=elenco&centro={rng.choice(centres).slug}"
             f"&categoria={rng.choice(categories)}", "", "anon"),
        ]  # fmt: skip

    def register():
        page, action = rng.choice(dates)
        return [
            ("GET", "/centri-sociali/calendario/?vista=elenco", "", "user"),
            ("GET", page, "", "user"),
            ("POST", action, "", "user"),
        ]

    def take_shift():
        shift = rng.choice(shifts)
        return [
            ("GET", "/volontariato/", "", "user"),
            ("GET", shift.opportunity.get_absolute_url(), "", "user"),
            (
                "POST",
                reverse("volontariato:shift_signup", kwargs={"pk": shift.pk}),
                "lista_attesa=1" if rng.random() < 0.5 else "",
                "user",
            ),
            ("GET", rng.choice(opportunities).get_absolute_url(), "", "anon"),
        ]

    def vote():
        chosen = rng.sample(candidates, rng.choice([0, 1, 1, 2]))
        body = "&".join(["step=cast", *[f"candidate={pk}" for pk in chosen]])
        return [
            ("GET", election.get_absolute_url(), "", "anon"),
            ("POST", ballot, body, "voter"),
        ]

    kinds = [browse, calendar, register, take_shift, vote]
    weights = [30, 25, 15, 15, 15]
    steps = []
    for _ in range(journeys):
        steps += rng.choices(kinds, weights)[0]()
    return steps


def check(election, figures: dict, votes_before: int, envelopes_before: int) -> list[str]:
    """What must hold after the run: see the module's text."""
    from django.db.models import Count, F, Q

    from centri_sociali.models import Occurrence
    from consulte.models import ElectorVote, Envelope
    from volontariato.models import Shift, Signup

    problems = []
    counters = figures["counters"]
    if sum(figures["errors"].values()):
        problems.append(f"wrk errors {figures['errors']}")
    if counters["server_errors"]:
        problems.append(f"{counters['server_errors']} answers >= 500")
    votes = ElectorVote.objects.filter(election=election).count() - votes_before
    envelopes = Envelope.objects.filter(election=election).count() - envelopes_before
    if votes != envelopes or votes > counters["votes"]:
        problems.append(f"{votes} votes stored, {envelopes} envelopes, {counters['votes']} sent")
    overbooked = (
        Occurrence.objects.filter(activity__capacity__isnull=False)
        .annotate(n=Count("registrations", filter=Q(registrations__status="confirmed")))
        .filter(n__gt=F("activity__capacity"))
        .count()
    )
    over_places = (
        Shift.objects.annotate(
            n=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED))
        )
        .filter(n__gt=F("places"))
        .count()
    )
    if overbooked or over_places:
        problems.append(f"over capacity: {overbooked} dates, {over_places} shifts")
    return problems


def main(seconds: float, users: int) -> None:
    url = bench_database_url("collabcity_bench_soak")
    redis_url = bench_redis_url()
    recreate_database(url)
    try:
        setup_production_django(url, redis_url)
        seed_demo(url)
        from django.db import connections as databases

        from consulte.models import ElectorVote, Envelope

        citizens, electors, election = make_people(users, voters=max(500, int(20 * seconds)))
        steps = plan(election, random.Random(11))  # noqa: S311  (benchmark data)
        votes_before = ElectorVote.objects.filter(election=election).count()
        envelopes_before = Envelope.objects.filter(election=election).count()
        databases.close_all()
        with tempfile.TemporaryDirectory() as folder:
            files = [Path(folder) / name for name in ("plan.tsv", "users.tsv", "voters.tsv")]
            files[0].write_text("".join("\t".join(step) + "\n" for step in steps))
            write_sessions(files[1], citizens)
            write_sessions(files[2], electors)
            with Gunicorn("collabcity.wsgi", server_env(url, redis_url)) as portal:
                figures = wrk(
                    portal + "/",
                    seconds=seconds,
                    connections=users,
                    threads=THREADS,
                    script="soak.lua",
                    args=(*map(str, files), str(THREADS), election.get_absolute_url()),
                )
        problems = check(election, figures, votes_before, envelopes_before)
        counters = figures["counters"]
        print(
            f"soak: {figures['requests']:,} requests in {figures['seconds']:.0f} s by {users} "
            f"users ({figures['requests'] / figures['seconds']:,.0f}/s), {counters['votes']:,} "
            f"votes, p50 {figures['p50_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms, max "
            f"{figures['max_ms']:.0f} ms; 4xx {counters['client_errors']}, >= 500 "
            f"{counters['server_errors']}; problems: {'; '.join(problems) or 'none'}",
            flush=True,
        )
        result(
            f"soak: {users} users, "
            + (f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"),
            f"p99 {figures['p99_ms']:,.0f} ms, {figures['requests']:,} requests, "
            f"{len(problems)} errors",
            target="0 errors, 0 >= 500",
            ok=not problems,
        )
    finally:
        from django.db import connections as databases

        databases.close_all()
        flush_redis(redis_url)
        drop_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--users", type=int, default=100)
    args = parser.parse_args()
    main(args.seconds, args.users)
