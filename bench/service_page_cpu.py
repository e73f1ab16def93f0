#!/usr/bin/env python
"""CPU per request and SQL queries of the service page, in-process, without a server.

    .venv/bin/python bench/service_page_cpu.py [--requests 200] [--keep]

The machine the load benchmark (bench/booking_bench.py) runs on is shared: its requests/s move
with other people's work. CPU seconds this process spends per request move much less, so this
script gives the figure to compare before/after a change on the same data: the service page of
booking_bench.py's make_service_page (four providers, 15 half-hour slots a day each over three
days), requested anonymously through Django's test client under bench.settings (DEBUG off), next
to the trivial view of bench/urls.py. It reports time.process_time() per request, the queries
each request sends and the HTML's size, for the page without parameters and for the page with
a provider and a day chosen (?provider=…&day=…).

The scratch PostgreSQL database panlong_page_bench is created, migrated and dropped at the end
(--keep leaves it for the next run, which then skips migrating and loading).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "panlong_page_bench"
BENCH_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + BENCH_DB


def database_exists():
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone() is not None


def admin(sql):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def measure(client, path, requests):
    from django.db import connection

    response = client.get(path)  # warms Wagtail's and the templates' caches
    assert response.status_code == 200, (path, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper rather than connection.queries: a request's start empties that log.
    with connection.execute_wrapper(count):
        response = client.get(path)
    started = time.process_time()
    for _ in range(requests):
        client.get(path)
    cpu = (time.process_time() - started) / requests
    return cpu * 1000, len(queries), len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database for the next run")
    args = parser.parse_args()

    env = dict(os.environ, DATABASE_URL=BENCH_URL, DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="0")
    env["LOG_LEVEL"] = "WARNING"
    # Rendered on every request, as booking_bench.py's service page load: the anonymous page cache
    # (marketplace/pagecache.py) would otherwise answer all but the first from memory.
    env["PAGE_CACHE_SECONDS"] = "0"
    fresh = not database_exists()
    if fresh:
        admin(f"CREATE DATABASE {BENCH_DB}")
        print("migrating the scratch database…", flush=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    import django

    django.setup()
    from django.test import Client
    from oscar.core.loading import get_model

    from bench.booking_bench import SERVICE_PAGE_PATH, TRIVIAL_PATH, make_service_page

    if fresh:
        from catalog.models import Category
        from providers.models import Street

        street = Street.objects.create(name="拓东街道", slug="tuodong")
        make_service_page(street, Category.add_root(name="法律服务", slug="legal"))

    from providers.models import Slot

    StockRecord = get_model("partner", "StockRecord")
    first = Slot.objects.filter(offering__product__title="社区律师免费法律咨询").order_by("starts_at").first()
    provider = StockRecord.objects.get(pk=first.offering_id).partner_id
    from django.utils import timezone

    day = timezone.localtime(first.starts_at).date().isoformat()
    client = Client(HTTP_HOST="localhost")
    try:
        rows = [
            ("trivial view", TRIVIAL_PATH),
            ("service page", SERVICE_PAGE_PATH),
            ("service page, provider and day chosen", f"{SERVICE_PAGE_PATH}?provider={provider}&day={day}"),
        ]
        print("| request | CPU per request | SQL queries | HTML |")
        print("|---|---:|---:|---:|")
        for name, path in rows:
            cpu, queries, size = measure(client, path, args.requests)
            print(f"| {name} (`GET {path}`) | {cpu:.1f} ms | {queries} | {size / 1000:.1f} kB |", flush=True)
    finally:
        from django.db import connection

        connection.close()
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    raise SystemExit(main())
