#!/usr/bin/env python
"""The nightly ``compute_index`` at district scale, on SQLite and PostgreSQL.

    .venv/bin/python bench/index_bench.py [--bookings 200000] [--ratings 30000] [--database both] [--write]

1. creates a scratch database (an SQLite file in a temporary directory, or a
   PostgreSQL database dropped again at the end); the schema is made from the
   models directly, as ``pytest --nomigrations`` does, because replaying every
   migration takes longer on this machine than the benchmark itself;
2. loads 12 streets, 103 communities (population, centre), 8 sectors of 3
   services, 300 providers near their communities offering the 3 services of their sector,
   past slots from 1 August with N bookings (10 % cancelled, of the rest 85 %
   checked in, 8 % no-shows), M ratings of checked-in visits (1 % hidden; the
   2-star-or-less ones open follow-up cases, 85 % of them closed), and open
   slots over the next 7 days for the service circle (some full, some closed);
3. times ``compute_index`` (lapsed cases, the circle, the running and previous
   month and quarter) and counts its queries;
4. prints the results, and with ``--write`` puts them in BENCHMARKS.md (section "Street index").
Nothing here talks to anything but 127.0.0.1.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from booking_bench import machine, write_report  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "panlong_index_bench"
BENCH_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + BENCH_DB
SEED = 20261127
STREETS, COMMUNITIES, SECTORS, SERVICES_PER_SECTOR, PROVIDERS = 12, 103, 8, 3, 300
BATCH = 5000


def admin_execute(sql):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


class NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    import django
    from django.conf import settings

    django.setup()
    settings.MIGRATION_MODULES = NoMigrations()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def load(rng, args, now):
    """The district's data; returns what was loaded."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from oscar.core.loading import get_model

    from catalog.services import add_offering, create_service
    from marketplace.booking.models import Booking
    from marketplace.matters.models import Matter
    from providers.models import Community, Slot, Street
    from ratings.models import Rating

    Category = get_model("catalogue", "Category")
    Partner = get_model("partner", "Partner")
    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    User = get_user_model()
    zone = now.tzinfo

    streets = Street.objects.bulk_create(
        Street(name=f"第{i + 1}街道", slug=f"street-{i + 1}", position=i + 1) for i in range(STREETS)
    )
    # Street centres around Panlong, ~1.5 km apart; communities scattered ~1 km around them.
    communities = Community.objects.bulk_create(
        Community(
            street=streets[i % STREETS],
            name=f"社区{i + 1}",
            slug=f"community-{i + 1}",
            population=rng.randint(3000, 15000) if i % 25 else None,  # a few populations unknown
            latitude=Decimal(f"{25.03 + (i % STREETS) // 4 * 0.015 + rng.uniform(-0.01, 0.01):.6f}"),
            longitude=Decimal(f"{102.70 + (i % STREETS) % 4 * 0.015 + rng.uniform(-0.01, 0.01):.6f}"),
        )
        for i in range(COMMUNITIES)
    )
    sectors = []
    for s in range(SECTORS):
        sector = Category.add_root(name=f"领域{s + 1}", slug=f"sector-{s + 1}")
        sectors.append([create_service(f"服务{s + 1}-{k + 1}", sector) for k in range(SERVICES_PER_SECTOR)])
    providers = Partner.objects.bulk_create(
        Partner(
            name=f"服务机构{p + 1}",
            code=f"bench-{p + 1}",
            street=community.street,
            community=community,
            latitude=community.latitude + Decimal(f"{rng.uniform(-0.006, 0.006):.6f}"),
            longitude=community.longitude + Decimal(f"{rng.uniform(-0.006, 0.006):.6f}"),
        )
        for p, community in enumerate(rng.choice(communities) for _ in range(PROVIDERS))
    )
    # A provider works in one sector (a clinic, a legal station…) and offers its services.
    offerings = [
        add_offering(service, provider, Decimal("0"))
        for number, provider in enumerate(providers)
        for service in sectors[number % SECTORS]
    ]

    # Past slots from 1 August: each takes up to 5 bookings.
    first_day = datetime(2026, 8, 1, 9, tzinfo=zone)
    days = (now - first_day).days
    slot_count = args.bookings // 5 + 1
    past = [
        Slot(
            offering=offering,
            starts_at=first_day + timedelta(days=day, minutes=30 * half),
            ends_at=first_day + timedelta(days=day, minutes=30 * half + 30),
            capacity=5,
            num_booked=5,
        )
        for offering, day, half in (
            (offerings[n // days % len(offerings)], n % days, n // (days * len(offerings))) for n in range(slot_count)
        )
    ]
    soon = []
    for offering in offerings:
        for day in range(1, 11, 2):  # the last ones beyond the 7 days
            starts_at = now.replace(hour=9, minute=0) + timedelta(days=day, minutes=rng.randrange(0, 480, 30))
            soon.append(
                Slot(
                    offering=offering,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=30),
                    capacity=4,
                    num_booked=4 if rng.random() < 0.3 else 1,  # some already full
                    is_open=rng.random() > 0.1,  # some closed by the provider
                )
            )
    with transaction.atomic():
        Slot.objects.bulk_create(past + soon, batch_size=BATCH, ignore_conflicts=True)
    past_slots = list(Slot.objects.filter(starts_at__lt=now).values_list("pk", "ends_at").order_by("pk"))
    provider_of_slot = dict(Slot.objects.filter(starts_at__lt=now).values_list("pk", "offering__partner_id"))

    residents = User.objects.bulk_create(
        (User(email=f"r{i}@bench.example", name="居民", password="!") for i in range(args.bookings // 10 + 5)),
        batch_size=BATCH,
    )
    statuses, weights = ["cancelled", "checked_in", "no_show", "booked"], [10, 76.5, 7.2, 6.3]
    bookings = []
    with transaction.atomic():
        for start in range(0, args.bookings, BATCH):
            size = min(BATCH, args.bookings - start)
            orders = Order.objects.bulk_create(
                Order(number=f"B{start + i}", total_incl_tax=0, total_excl_tax=0, date_placed=now) for i in range(size)
            )
            lines = Line.objects.bulk_create(
                Line(
                    order=order,
                    partner_sku="B",
                    title="服务",
                    line_price_incl_tax=0,
                    line_price_excl_tax=0,
                    line_price_before_discounts_incl_tax=0,
                    line_price_before_discounts_excl_tax=0,
                    num_allocated=0,
                )
                for order in orders
            )
            rows = []
            for i, (order, line) in enumerate(zip(orders, lines, strict=True)):
                n = start + i
                slot_id, _ends = past_slots[n // 5 % len(past_slots)]
                rows.append(
                    Booking(
                        code=f"BK{n:010d}",
                        order=order,
                        line=line,
                        slot_id=slot_id,
                        user=residents[n % len(residents)],
                        status=rng.choices(statuses, weights)[0],
                    )
                )
            bookings += Booking.objects.bulk_create(rows)

    checked_in = [booking for booking in bookings if booking.status == "checked_in"]
    rated = rng.sample(checked_in, min(args.ratings, len(checked_in)))
    ends = dict(past_slots)
    star_weights = [4, 4, 10, 32, 50]
    with transaction.atomic():
        ratings = Rating.objects.bulk_create(
            (
                Rating(
                    booking=booking,
                    stars=rng.choices(range(1, 6), star_weights)[0],
                    created_at=min(ends[booking.slot_id] + timedelta(hours=rng.randint(1, 72)), now),
                    hidden_at=now if rng.random() < 0.01 else None,
                    hidden_reason="abuse",
                )
                for booking in rated
            ),
            batch_size=BATCH,
        )
        cases = []
        for rating in ratings:
            if rating.stars > 2:
                continue
            closed = rng.random() < 0.85
            hours = rng.uniform(2, 120)
            answered_at = rating.created_at + timedelta(hours=hours / 2)
            # The follow-up case (a matter of kind follow_up): resolved, or answered and waiting for
            # the resident (the confirmation days counted as 7 calendar days here, for speed).
            cases.append(
                Matter(
                    reference=f"HF-{rating.created_at.year}-{len(cases) + 1:06d}",
                    kind="follow_up",
                    channel="system",
                    applicant_id=rating.booking.user_id,
                    organisation_id=provider_of_slot[rating.booking.slot_id],
                    rating=rating,
                    submitted_at=rating.created_at,
                    status="resolved" if closed else "answered",
                    waits_for="" if closed else "applicant",
                    status_since=rating.created_at + timedelta(hours=hours) if closed else answered_at,
                    due_at=None if closed else answered_at + timedelta(days=7),
                    closed_at=rating.created_at + timedelta(hours=hours) if closed else None,
                )
            )
        Matter.objects.bulk_create(cases, batch_size=BATCH)
    lapsing = Matter.objects.filter(kind="follow_up", status="answered", due_at__lte=now).count()
    return {
        "streets": len(streets),
        "communities": len(communities),
        "providers": len(providers),
        "offerings": len(offerings),
        "slots": Slot.objects.count(),
        "bookings": len(bookings),
        "ratings": len(ratings),
        "cases": len(cases),
        "lapsing_cases": lapsing,
    }


def run_database(vendor, args):
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="index-bench-") as directory:
        if vendor == "sqlite":
            url = f"sqlite:///{directory}/bench.sqlite3"
        else:
            admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            admin_execute(f"CREATE DATABASE {BENCH_DB}")
            url = BENCH_URL
        try:
            started = time.perf_counter()
            setup_django(url)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext
            from django.utils import timezone

            from streetindex.compute import compute_index
            from streetindex.models import IndexFigure

            schema_seconds = time.perf_counter() - started
            now = timezone.make_aware(datetime(2026, 11, 27, 2, 30))
            print(f"{vendor}: schema in {schema_seconds:.0f} s; loading…", flush=True)
            started = time.perf_counter()
            counts = load(rng, args, now)
            load_seconds = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
            print(f"{vendor}: {counts} in {load_seconds:.0f} s; computing…", flush=True)
            timings = []
            for attempt in range(args.runs):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    circle, runs = compute_index(now=now + timedelta(seconds=attempt))
                    timings.append(time.perf_counter() - started)
                queries = len(captured.captured_queries)
            ranked = {run.label: run.ranked for run in runs}
            return {
                "vendor": vendor,
                "server": connection.pg_version if vendor == "postgresql" else None,
                "counts": counts,
                "load_seconds": load_seconds,
                "timings": timings,
                "queries": queries,
                "figures": IndexFigure.objects.filter(run__in=runs).count(),
                "cells": circle.cells.count(),
                "covered": circle.cells.filter(covered=True).count(),
                "ranked": ranked,
            }
        finally:
            from django.db import connections

            connections.close_all()
            if vendor == "postgresql":
                admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def report(results, args):
    counts = results[0]["counts"]
    rows = []
    for result in results:
        name = "SQLite" if result["vendor"] == "sqlite" else f"PostgreSQL {result['server'] // 10000}"
        timings = result["timings"]
        rows.append(
            f"| {name} | {timings[0]:.2f} s | {min(timings):.2f} s | {result['queries']} "
            f"| {result['figures']:,} | {result['covered']} / {result['cells']} |"
        )
    ranked = ", ".join(f"{label} {'ranked' if flag else 'not ranked'}" for label, flag in results[0]["ranked"].items())
    command = " ".join(["bench/index_bench.py", *sys.argv[1:]])
    loads = ", ".join(
        f"{'SQLite' if result['vendor'] == 'sqlite' else 'PostgreSQL'} {result['load_seconds']:.0f} s"
        for result in results
    )
    return f"""## Street index (`bench/index_bench.py`)

- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}
- Machine: {machine()}
- Command: `.venv/bin/python {command}`
- Data: {counts["streets"]} streets, {counts["communities"]} communities, {counts["providers"]} providers,
  {counts["offerings"]:,} offerings, {counts["slots"]:,} slots, {counts["bookings"]:,} bookings since 1 August,
  {counts["ratings"]:,} ratings, {counts["cases"]:,} follow-up cases ({counts["lapsing_cases"]} left to lapse)
- What is timed: `compute_index(now=2026-11-27 02:30)` in-process: close lapsed cases, the service circle,
  then 2026-11, 2026-10, 2026-Q4 and 2026-Q3 (all four periods), {args.runs} runs, the first after `ANALYZE`

| database | first run | best run | queries | figures written | cells covered |
|---|---|---|---|---|---|
{chr(10).join(rows)}

Loading the data took {loads}. Periods: {ranked}.
The number of queries is fixed: it does not grow with bookings, ratings or cases (grouped counts
per provider, one row per follow-up case for the medians), only by one INSERT per 500 figures and
1,000 circle cells (SQLite splits them further, hence its larger count). The first run also closes
the cases left to lapse, one transaction each, as the ratings service does."""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bookings", type=int, default=200_000)
    parser.add_argument("--ratings", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--write", action="store_true", help="put the results in BENCHMARKS.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: one database, results as JSON to this file
    args = parser.parse_args()

    if args.child:
        Path(args.child).write_text(json.dumps(run_database(args.database, args)), encoding="utf-8")
        return 0

    vendors = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    results = []
    with tempfile.TemporaryDirectory(prefix="index-bench-") as directory:
        for vendor in vendors:
            out = Path(directory) / f"{vendor}.json"
            # Each database in a fresh process: Django reads DATABASE_URL once.
            command = [sys.executable, __file__, "--child", str(out), "--database", vendor]
            command += ["--bookings", str(args.bookings), "--ratings", str(args.ratings), "--runs", str(args.runs)]
            subprocess.run(command, cwd=ROOT, check=True)
            results.append(json.loads(out.read_text(encoding="utf-8")))
    text = report(results, args)
    print(text)
    if args.write:
        write_report(text, section="index-bench")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
