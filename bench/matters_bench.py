#!/usr/bin/env python
"""The station's queue and the resident's list of matters with 100,000 matters on PostgreSQL,
and the working-day deadline arithmetic (issue 20).

    .venv/bin/python bench/matters_bench.py [--matters 100000] [--small 1000] [--requests 100] [--keep] [--no-report]

1. creates the scratch PostgreSQL database panlong_matters_bench (BENCH_DB), migrates it (the
   official calendar of 2026–2027 comes with migration providers 0010) and bulk-creates 20
   organisations taking matters, one staff member each, 20,000 residents and, first, ``--small``
   matters (mixed kinds and organisations, submitted over five years, most of the last 30 days'
   still open, ~3 steps each), of which exactly 10 are the measured resident's;
2. measures in-process with Django's test client under bench.settings (DEBUG off): the trivial
   view (/bench/trivial, one small query: the yardstick), the station's queue page
   (provider:matters, signed in as the first station's staff member) and the resident's list
   (matters:list, signed in as the resident with 10 matters): wall-clock p50/p95 over
   ``--requests`` requests, the SQL queries one request sends and its status code (the pages
   may still be placeholders answering 404: the numbers then measure the placeholder, and the
   report says so); and the services the pages call, directly: ``queue_of(staff)[:50]``,
   ``queue_of(staff, status="open")[:50]``, ``queue_of(staff, overdue=True)[:50]`` and
   ``matters_of(resident)`` evaluated as lists, each row's related objects read;
3. bulk-creates matters up to ``--matters`` and measures the same again: the queries must not
   grow; EXPLAIN ANALYZE of the queue's query names the index PostgreSQL uses;
4. the deadline arithmetic: ``workdays.deadline()`` for 1, 3, 7 and 20 working days from every
   day of 2026 and 2027 (across 春节's 调休, 国庆 and the year ends), cached calendar (as the
   product runs) and with the calendar read from the database for each call (as before the
   cache), µs per call, calls/s, queries per call, the two agreeing on every call, and spot
   checks against dates worked out by hand;
5. writes the section "Matters (issue 20)" of BENCHMARKS.md, drops the database (unless --keep).
Nothing here talks to anything but 127.0.0.1.
"""

import argparse
import logging
import os
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = os.environ.get("BENCH_DB", "panlong_matters_bench")
BENCH_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + BENCH_DB
ORGANISATIONS = 20
RESIDENTS = 20_000
MEASURED_RESIDENT_MATTERS = 10
# 100,000 matters: five years of the district's history; most of the last month's still open.
HISTORY_DAYS = 5 * 365
OPEN_WITHIN_DAYS = 30
BATCH = 5_000


def admin(sql):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def database_exists():
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone() is not None


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


# --- the data ---------------------------------------------------------------------


def load_people():
    """20 organisations taking every kind, one staff member each, 20,000 residents."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    from marketplace.matters import kinds
    from marketplace.matters.models import Desk
    from providers.models import Street

    Partner = get_model("partner", "Partner")
    User = get_user_model()
    street = Street.objects.create(name="拓东街道", slug="tuodong")
    organisations = Partner.objects.bulk_create(
        Partner(
            name=f"盘龙区第{number + 1:02d}公共法律服务工作站",
            code=f"bench-station-{number}",
            kind=Partner.Kind.LEGAL_STATION,
            street=street,
        )
        for number in range(ORGANISATIONS)
    )
    Desk.objects.bulk_create(
        Desk(kind=kind, organisation=organisation, is_default=number == 0)
        for kind in kinds.KINDS
        for number, organisation in enumerate(organisations)
    )
    people = [
        User(email=f"staff{number}@bench.example", name=f"工作人员{number}", phone=f"137{number:08d}")
        for number in range(ORGANISATIONS)
    ] + [
        User(email=f"r{number}@bench.example", name=f"居民{number}", phone=f"138{number:08d}")
        for number in range(RESIDENTS)
    ]
    for person in people:
        person.set_unusable_password()
    User.objects.bulk_create(people, batch_size=BATCH)
    staff = list(User.objects.filter(email__startswith="staff").order_by("pk"))
    for organisation, member in zip(organisations, staff, strict=True):
        organisation.users.add(member)
    residents = list(User.objects.filter(email__startswith="r").order_by("pk").values_list("pk", flat=True))
    return organisations, staff, residents


class Seeder:
    """Matters straight into the tables (bulk_create, not the services): realistic rows, fast."""

    def __init__(self, organisations, staff, residents):
        from marketplace.matters import kinds

        self.kinds = list(kinds.KINDS.values())
        self.organisations = organisations
        self.staff = staff
        self.residents = residents
        self.counters = {}
        self.random = random.Random(20)
        self.created = 0

    def add(self, count, applicant_of=None):
        from django.utils import timezone

        from marketplace.matters.models import Matter, MatterStep

        now = timezone.now()
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            matters = []
            for number in range(size):
                kind = self.random.choice(self.kinds)
                organisation_index = self.random.randrange(ORGANISATIONS)
                submitted = now - timedelta(minutes=self.random.randrange(HISTORY_DAYS * 24 * 60))
                # Recent matters mostly open, older ones closed but for a few forgotten (overdue) ones.
                recent = now - submitted < timedelta(days=OPEN_WITHIN_DAYS)
                still_open = self.random.random() < (0.85 if recent else 0.005)
                status = kind.status(self.random.choice(kind.open_statuses if still_open else kind.closed_statuses))
                since = submitted + min(now - submitted, timedelta(days=60)) * self.random.random()
                days = status.working_days()
                due = since + timedelta(days=days * 1.4) if days is not None and not status.is_closed else None
                year = submitted.year
                self.counters[(kind.prefix, year)] = last = self.counters.get((kind.prefix, year), 0) + 1
                applicant = applicant_of(done + number) if applicant_of else self.random.choice(self.residents)
                matters.append(
                    Matter(
                        reference=f"{kind.prefix}-{year}-{last:06d}",
                        kind=kind.code,
                        status=status.code,
                        waits_for=status.waits_for or "",
                        applicant_id=applicant,
                        organisation=self.organisations[organisation_index],
                        assignee=self.staff[organisation_index] if self.random.random() < 0.6 else None,
                        text="邻居装修噪音扰民，多次协商无果，希望社区调解。" * 3,
                        fields={"category": "labour"},
                        other_party_name="李某" if kind.has_other_party else "",
                        other_party_phone="13900000000" if kind.has_other_party else "",
                        submitted_at=submitted,
                        status_since=since,
                        due_at=due,
                        closed_at=since if status.is_closed else None,
                    )
                )
            Matter.objects.bulk_create(matters)
            steps = []
            for matter in matters:
                for step_number in range(self.random.choice((2, 3, 3, 4))):
                    steps.append(
                        MatterStep(
                            matter=matter,
                            at=matter.submitted_at + (matter.status_since - matter.submitted_at) * step_number / 3,
                            action="submitted" if step_number == 0 else "note",
                            status=matter.status,
                            actor_id=matter.applicant_id if step_number == 0 else None,
                            actor_kind="applicant" if step_number == 0 else "staff",
                            organisation=None if step_number == 0 else matter.organisation,
                            text="" if step_number == 0 else "已电话联系申请人，约定面谈时间。",
                        )
                    )
            MatterStep.objects.bulk_create(steps, batch_size=BATCH)
            done += size
        self.created += count


# --- measuring --------------------------------------------------------------------


class Counted:
    """The SQL statements sent inside the block (a wrapper: a request's start empties connection.queries)."""

    def __enter__(self):
        from django.db import connection

        self.statements = []

        def count(execute, sql, params, many, context):
            self.statements.append(sql)
            return execute(sql, params, many, context)

        self._context = connection.execute_wrapper(count)
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        self._context.__exit__(*exc)

    def __len__(self):
        return len(self.statements)


def timed(function, repeat):
    function()  # warms templates, translations and the calendar
    with Counted() as counted:
        result = function()
    times = []
    cpu_started = time.process_time()
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return {
        # This process's CPU per request (Django and the test client, not PostgreSQL): steadier than
        # the wall clock on a shared machine.
        "cpu": (time.process_time() - cpu_started) / repeat * 1000,
        "p50": percentile(times, 0.5) * 1000,
        "p95": percentile(times, 0.95) * 1000,
        "queries": len(counted),
        "result": result,
    }


def read_rows(matters):
    """What a list shows of each matter: its organisation, handler, applicant, whom it serves, its status."""
    rows = list(matters)
    for matter in rows:
        (
            matter.organisation.name,
            matter.assignee.get_full_name() if matter.assignee_id else "",
            matter.person_served,
            str(matter.status_label),
            matter.is_overdue(),
        )
    return len(rows)


def measure_all(client_for, staff, organisation, resident, repeat):
    from django.urls import reverse

    from marketplace.matters import services

    staff_client, resident_client = client_for(staff), client_for(resident)
    pages = {
        "trivial view": (client_for(None), "/bench/trivial"),
        "station's queue page": (
            staff_client,
            reverse("provider:matters", kwargs={"partner_id": organisation.pk}),
        ),
        "resident's list page": (resident_client, reverse("matters:list")),
    }
    results = {}
    for name, (client, path) in pages.items():
        statuses = set()

        def get(client=client, path=path, statuses=statuses):
            response = client.get(path)
            statuses.add(response.status_code)
            return response.status_code

        results[name] = timed(get, repeat) | {"path": path, "statuses": statuses}
    calls = {
        "queue_of(staff)[:50]": lambda: read_rows(services.queue_of(staff)[:50]),
        'queue_of(staff, status="open")[:50]': lambda: read_rows(services.queue_of(staff, status="open")[:50]),
        "queue_of(staff, overdue=True)[:50]": lambda: read_rows(services.queue_of(staff, overdue=True)[:50]),
        "matters_of(resident)": lambda: read_rows(services.matters_of(resident)),
    }
    for name, call in calls.items():
        results[name] = timed(call, repeat)
    for name, result in results.items():
        extra = f", HTTP {sorted(result['statuses'])}" if "statuses" in result else f", rows {result['result']}"
        print(
            f"  {name}: p50 {result['p50']:.2f} ms, p95 {result['p95']:.2f} ms, CPU {result['cpu']:.2f} ms, "
            f"{result['queries']} queries{extra}",
            flush=True,
        )
    return results


def explain_queue(staff):
    from django.db import connection

    from marketplace.matters import services

    plans = {}
    for name, queryset in (
        ("queue_of(staff)[:50]", services.queue_of(staff)[:50]),
        ('queue_of(staff, status="open")[:50]', services.queue_of(staff, status="open")[:50]),
    ):
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE matters_matter")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plans[name] = "\n".join(row[0] for row in cursor.fetchall())
    return plans


def indexes_in(plan):
    import re

    found = re.findall(r"Index (?:Only )?Scan (?:Backward )?using (\w+)|Bitmap Index Scan on (\w+)", plan)
    return sorted({name for pair in found for name in pair if name})


# --- the deadline arithmetic --------------------------------------------------------


SPOT_CHECKS = [
    # (start day, working days, the last working day, why) — worked out by hand from the 2026 notice.
    (date(2026, 9, 30), 7, date(2026, 10, 15), "day before 国庆: 1–7 Oct off, Sat 10 Oct works"),
    (date(2026, 9, 30), 1, date(2026, 10, 8), "day before 国庆, 1 day"),
    (date(2026, 2, 13), 1, date(2026, 2, 14), "Fri before 春节: Sat 14 Feb is a make-up workday"),
    (date(2026, 2, 13), 7, date(2026, 3, 2), "春节 15–23 Feb off, Sat 28 Feb works"),
    (date(2026, 2, 13), 20, date(2026, 3, 19), "春节, 20 days"),
    (date(2025, 12, 31), 1, date(2026, 1, 4), "元旦 2026: 1–3 Jan off, Sun 4 Jan works"),
    (date(2025, 12, 31), 3, date(2026, 1, 6), "元旦 2026, 3 days"),
    (date(2026, 12, 30), 7, date(2027, 1, 11), "2026/2027 year end: 1 Jan 2027 off"),
    (date(2026, 12, 31), 1, date(2027, 1, 4), "New Year's Eve 2026 (Thu): Fri 1 Jan off, weekend"),
    (date(2026, 9, 18), 3, date(2026, 9, 22), "Sun 20 Sep works (国庆 调休)"),
    (date(2026, 9, 24), 3, date(2026, 9, 30), "中秋 25–27 Sep off"),
    (date(2026, 4, 30), 4, date(2026, 5, 9), "劳动节 1–5 May off, Sat 9 May works"),
]


def bench_deadlines():
    from django.db import connection

    from marketplace.matters import workdays

    zone = workdays.local_zone()
    days = []
    day = date(2026, 1, 1)
    while day <= date(2027, 12, 31):
        days.append(datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=zone))
        day += timedelta(days=1)
    counts = (1, 3, 7, 20)

    def run(read_each_time):
        answers = []
        with Counted() as counted:
            started = time.perf_counter()
            for start in days:
                for count in counts:
                    if read_each_time:
                        # As before the cache: the window's special days read from the database for each call.
                        first = workdays.local_day(start)
                        calendar = workdays.calendar_from_database(
                            first, first + timedelta(days=count * 2 + workdays.SLACK_DAYS)
                        )
                        answers.append(workdays.deadline(start, count, calendar))
                    else:
                        answers.append(workdays.deadline(start, count))
            elapsed = time.perf_counter() - started
        calls = len(days) * len(counts)
        return {
            "calls": calls,
            "us": elapsed / calls * 1e6,
            "per_second": calls / elapsed,
            "queries": len(counted) / calls,
            "answers": answers,
        }

    workdays.forget_calendar()
    cold = run(read_each_time=False)  # the first pass reads each year once
    cached = run(read_each_time=False)
    database = run(read_each_time=True)
    agree = cached["answers"] == database["answers"] == cold["answers"]
    checks = []
    for first, count, expected, why in SPOT_CHECKS:
        start = datetime.combine(first, datetime.min.time().replace(hour=10), tzinfo=zone)
        got = workdays.deadline(start, count)
        expected_deadline = workdays.end_of(expected)
        checks.append((first, count, expected, got, got == expected_deadline, why))
    connection.close()
    for name, result in (("cold", cold), ("cached", cached), ("read each time", database)):
        print(
            f"  deadline(), {name}: {result['us']:.1f} µs/call, {result['per_second']:,.0f} calls/s, "
            f"{result['queries']:.3f} queries/call",
            flush=True,
        )
    print(f"  cached and uncached agree on all {cached['calls']} calls: {agree}")
    for first, count, expected, got, ok, why in checks:
        print(f"  {'ok ' if ok else 'BAD'} {first} + {count} working days → {expected}: {got:%Y-%m-%d %H:%M} ({why})")
    return {"cold": cold, "cached": cached, "database": database, "agree": agree, "checks": checks}


# --- the report -------------------------------------------------------------------------


def machine():
    from booking_bench import machine as describe

    return describe()


def write_report(text):
    from booking_bench import write_report as write

    write(text, section="matters-bench")


def report(args, small, large, plans, deadlines, counts, load_before, seeded_in):
    names = [name for name in small if name != "trivial view"]
    trivial_small, trivial_large = small["trivial view"], large["trivial view"]
    lines = [
        "## Matters (issue 20) (`bench/matters_bench.py`)",
        "",
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; load average before the run: {load_before} "
        "(a shared machine: other people's test suites and benchmarks were running)",
        f"- Machine: {machine()}",
        f"- Command: `.venv/bin/python bench/matters_bench.py --matters {args.matters} --small {args.small} "
        f"--requests {args.requests}`",
        *([f"- {args.note}"] if args.note else []),
        f"- Data: {ORGANISATIONS} organisations taking every kind, {RESIDENTS:,} residents, "
        f"{counts['large_matters']:,} matters (mixed kinds and organisations, submitted over {HISTORY_DAYS // 365} "
        f"years: 85 % of the last {OPEN_WITHIN_DAYS} days' still open, 0.5 % of older ones forgotten open; "
        f"{counts['open_large']:,} open in all; {counts['large_steps']:,} steps), bulk-created in {seeded_in:.0f} s; "
        f"the measured resident has {MEASURED_RESIDENT_MATTERS} matters, the measured station "
        f"{counts['station_small']:,} ({counts['station_open_small']} open) then {counts['station_large']:,} "
        f"({counts['station_open_large']} open)",
        "- In-process, Django's test client under `bench.settings` (DEBUG off), PostgreSQL on 127.0.0.1; "
        f"{args.requests} requests or calls each after one warm-up; wall-clock times, so they move with the "
        "machine's load: the ratios are against the trivial view's p50 and p95 in the same pass; CPU is this "
        "process's CPU time per request or call (Django's side, not PostgreSQL's), steadier than the wall clock",
        "",
        f"| page or call | HTTP | p50 / p95 at {counts['small_matters']:,} matters | "
        f"÷ trivial view's p50 / p95 | CPU | queries | p50 / p95 at {counts['large_matters']:,} matters | "
        "÷ trivial view's p50 / p95 | CPU | queries |",
        "|---|---|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for name in ["trivial view", *names]:
        low, high = small[name], large[name]
        http = ", ".join(str(s) for s in sorted(low.get("statuses", ()))) or "—"
        label = name if "statuses" not in low else f"{name} (`GET {low['path']}`)"
        if low.get("statuses") == {404}:
            label += " — still the placeholder (404) in this run"
        lines.append(
            f"| {label} | {http} | {low['p50']:.2f} / {low['p95']:.2f} ms | "
            f"{low['p50'] / trivial_small['p50']:.1f} × / {low['p95'] / trivial_small['p95']:.1f} × | "
            f"{low['cpu']:.1f} ms | {low['queries']} | {high['p50']:.2f} / {high['p95']:.2f} ms | "
            f"{high['p50'] / trivial_large['p50']:.1f} × / {high['p95'] / trivial_large['p95']:.1f} × | "
            f"{high['cpu']:.1f} ms | {high['queries']} |"
        )
    lines += ["", f"EXPLAIN ANALYZE at {counts['large_matters']:,} matters (indexes the plan uses):", ""]
    for name, plan in plans.items():
        lines.append(f"- `{name}`: {', '.join(indexes_in(plan)) or 'no index'}; {plan.splitlines()[-1].strip()}")
    cold, cached, database = deadlines["cold"], deadlines["cached"], deadlines["database"]
    lines += [
        "",
        f"Deadlines: `workdays.deadline(start, n)` for n = 1, 3, 7, 20 from 10:00 on every day of 2026 and 2027 "
        f"({cached['calls']:,} calls; the official calendar of migration providers 0010)",
        "",
        "| calendar | µs per call | calls/s | queries per call |",
        "|---|---:|---:|---:|",
        f"| cached, first pass (each year read once) | {cold['us']:.1f} | {cold['per_second']:,.0f} | "
        f"{cold['queries']:.4f} |",
        f"| cached (as the product runs) | {cached['us']:.1f} | {cached['per_second']:,.0f} | "
        f"{cached['queries']:.4f} |",
        f"| read from the database for each call (as before the cache) | {database['us']:.1f} | "
        f"{database['per_second']:,.0f} | {database['queries']:.4f} |",
        "",
        f"Cached and uncached agree on all {cached['calls']:,} calls: **{'yes' if deadlines['agree'] else 'NO'}**. "
        "Spot checks (the last working day, worked out by hand from the 2026 notice):",
        "",
        "| from | working days | expected last working day | deadline computed (the end of that day) | |",
        "|---|---:|---|---|---|",
    ]
    for first, count, expected, got, ok, why in deadlines["checks"]:
        lines.append(
            f"| {first} | {count} | {expected} ({why}) | {got:%Y-%m-%d %H:%M} | {'ok' if ok else '**wrong**'} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matters", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000, help="matters at the first measurement")
    parser.add_argument("--requests", type=int, default=100, help="requests or calls measured per page or call")
    parser.add_argument("--keep", action="store_true", help="leave the scratch database (it is recreated next run)")
    parser.add_argument("--no-report", action="store_true", help="print only; BENCHMARKS.md is left alone")
    parser.add_argument("--note", default="", help="a line for the report, e.g. which branches were merged for the run")
    args = parser.parse_args()
    load_before = " / ".join(f"{value:.2f}" for value in os.getloadavg())

    if database_exists():
        admin(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {BENCH_DB}")
    env = dict(os.environ, DATABASE_URL=BENCH_URL, DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="0")
    env["LOG_LEVEL"] = "WARNING"
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "LOG_LEVEL")})
    print("migrating the scratch database…", flush=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from marketplace.matters.models import Matter, MatterStep

    # The test client's host. setup_test_environment() is not called: it would make every template
    # render copy its context for the client, which the pages do not pay in production.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    logging.getLogger("django.request").setLevel(logging.ERROR)  # not a line per placeholder's 404

    try:
        print("deadlines:", flush=True)
        deadlines = bench_deadlines()

        started = time.perf_counter()
        organisations, staff, residents = load_people()
        measured_resident = residents[0]
        others = residents[1:]
        seeder = Seeder(organisations, staff, others)
        seeder.add(
            args.small,
            applicant_of=lambda n: measured_resident if n < MEASURED_RESIDENT_MATTERS else seeder.random.choice(others),
        )
        seeded_in = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        from django.contrib.auth import get_user_model

        User = get_user_model()
        member = User.objects.get(pk=staff[0].pk)
        resident = User.objects.get(pk=measured_resident)

        def client_for(user):
            client = Client()
            if user is not None:
                client.force_login(user)
            return client

        station = Matter.objects.filter(organisation=organisations[0])
        counts = {
            "small_matters": Matter.objects.count(),
            "station_small": station.count(),
            "station_open_small": station.filter(closed_at__isnull=True).count(),
        }
        print(f"{counts['small_matters']:,} matters:", flush=True)
        small = measure_all(client_for, member, organisations[0], resident, args.requests)

        started = time.perf_counter()
        rest = args.matters - args.small
        seeder.add(rest)
        seeded_in += time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        counts |= {
            "large_matters": Matter.objects.count(),
            "large_steps": MatterStep.objects.count(),
            "station_large": station.count(),
            "station_open_large": station.filter(closed_at__isnull=True).count(),
            "open_large": Matter.objects.filter(closed_at__isnull=True).count(),
        }
        print(f"{counts['large_matters']:,} matters ({seeded_in:.0f} s to seed):", flush=True)
        large = measure_all(client_for, member, organisations[0], resident, args.requests)
        plans = explain_queue(member)
        for name, plan in plans.items():
            print(f"EXPLAIN ANALYZE {name}:\n{plan}\n", flush=True)
    finally:
        connection.close()
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    text = report(args, small, large, plans, deadlines, counts, load_before, seeded_in)
    print(text)
    if not args.no_report:
        write_report(text)
    grew = [name for name in small if small[name]["queries"] != large[name]["queries"]]
    if grew:
        print(f"queries grew with the number of matters: {grew}")
    wrong = [check for check in deadlines["checks"] if not check[4]]
    return 1 if grew or wrong or not deadlines["agree"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
