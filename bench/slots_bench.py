#!/usr/bin/env python
"""Slot generation from weekly plans at district scale, on PostgreSQL.

    .venv/bin/python bench/slots_bench.py [--offerings 1000]

1. creates a scratch PostgreSQL database (dropped again at the end) and migrates it;
2. creates N offerings, each with one weekly rule (Mon–Fri 09:00–17:00, lunch
   break 12:00–14:00, 30-minute slots: 12 a day);
3. generates 7 days, then (after emptying) 28 days of slots: wall time, queries
   (reads and INSERTs counted apart), slots created; then a second 28-day run
   (idempotent: nothing created);
4. writes the results to BENCHMARKS.md (section "Slot generation").
Nothing here talks to anything but 127.0.0.1.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from booking_bench import machine, write_report  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "panlong_slots_bench"
BENCH_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + BENCH_DB
START = date(2026, 11, 30)  # a Monday with no official holiday in the next 28 days


def admin_execute(sql):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def setup_django():
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    import django

    django.setup()


def load_offerings(count):
    from datetime import time as clock
    from decimal import Decimal

    from oscar.core.loading import get_model

    from catalog.services import create_service
    from providers.models import ScheduleRule

    Category = get_model("catalogue", "Category")
    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")

    sector = Category.add_root(name="法律服务", slug="legal")
    service = create_service("免费法律咨询", sector)
    Partner.objects.bulk_create(Partner(name=f"服务机构{i}", code=f"bench-{i}") for i in range(count))
    providers = list(Partner.objects.filter(code__startswith="bench-"))
    StockRecord.objects.bulk_create(
        StockRecord(product=service, partner=p, partner_sku=f"B{p.pk}", price=Decimal("0"), price_currency="CNY")
        for p in providers
    )
    offerings = list(StockRecord.objects.filter(product=service))
    ScheduleRule.objects.bulk_create(
        ScheduleRule(
            offering=offering,
            weekdays=0b0011111,
            opens_at=clock(9),
            closes_at=clock(17),
            breaks=[["12:00", "14:00"]],
            slot_minutes=30,
            capacity=3,
            valid_from=START,
        )
        for offering in offerings
    )
    return len(offerings)


def timed_run(days):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from providers.scheduling import generate_slots

    now = datetime.combine(START, datetime.min.time(), tzinfo=timezone.get_default_timezone())
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        created, _removed = generate_slots(start=START, days=days, now=now)
        elapsed = time.perf_counter() - started
    inserts = sum(1 for query in queries.captured_queries if query["sql"].startswith("INSERT"))
    return {
        "days": days,
        "created": created,
        "seconds": elapsed,
        "reads": len(queries.captured_queries) - inserts,
        "inserts": inserts,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offerings", type=int, default=1000)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()

    admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin_execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        env = dict(os.environ, DATABASE_URL=BENCH_URL, DJANGO_SETTINGS_MODULE="marketplace.settings.dev")
        print("migrating the scratch database…", flush=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        setup_django()
        from providers.models import Slot

        offerings = load_offerings(args.offerings)
        runs = []
        for days in (7, 28):
            Slot.objects.all().delete()
            runs.append(timed_run(days))
            print(runs[-1], flush=True)
        again = timed_run(28)
        print("again:", again, flush=True)
        total = Slot.objects.count()
        distinct = Slot.objects.values("offering_id", "starts_at").distinct().count()
        per_offering = total / offerings
    finally:
        from django.db import connections

        connections.close_all()
        admin_execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    rows = "\n".join(
        f"| {run['days']} days | {run['created']:,} | {run['created'] / offerings:.0f} | {run['seconds']:.2f} s "
        f"| {run['created'] / run['seconds']:,.0f} | {run['reads']} | {run['inserts']} |"
        for run in runs
    )
    again_row = (
        f"| 28 days again (idempotent) | {again['created']:,} | – | {again['seconds']:.2f} s | – "
        f"| {again['reads']} | {again['inserts']} |"
    )
    text = f"""## Slot generation (`bench/slots_bench.py`)

- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}
- Machine: {machine()}
- Command: `.venv/bin/python {" ".join(["bench/slots_bench.py", *sys.argv[1:]])}`
- Data: {offerings:,} offerings, one rule each (Mon–Fri 09:00–17:00, break 12:00–14:00, 30-minute slots),
  window from Mon {START:%Y-%m-%d}, PostgreSQL on 127.0.0.1, `generate_slots()` in-process

| window | slots created | per offering | wall time | slots/s | other queries | INSERTs |
|---|---|---|---|---|---|---|
{rows}
{again_row}

Slots in the database afterwards: {total:,} ({per_offering:.0f} per offering); distinct
(offering, start): {distinct:,}.
Other queries (rules, calendar, existing slots, and the savepoint pair around the bulk insert)
stay at {runs[0]["reads"]} whatever the window or the number of offerings; INSERTs are bulk,
one per 10,000 slots (`BATCH_SIZE`), so queries grow with the total slots / 10,000, never per slot
or per offering."""
    print(text)
    if not args.no_report:
        write_report(text, section="slots-bench")


if __name__ == "__main__":
    main()
