#!/usr/bin/env python
"""Anonymous requests/s of the home, sector and service pages, kept by the page cache, as shares of a
trivial Django view's requests/s in the same run (issue 23 item 3: at least half for home and service).

    .venv/bin/python bench/page_cache_bench.py [--workers 4] [--clients 20] [--seconds 20] [--no-cache]

Reuses bench/booking_bench.py: its scratch PostgreSQL database (BENCH_DB, dropped at the end), its data
(the published /legal/free-legal-consultation/ with four providers and 180 times over three days, under
a home page and the /legal/ sector page) and its gunicorn under bench.settings (the product's dev
settings: the page cache in each worker's local memory). Each page is warmed up on every worker first,
then the loads run one after another: N anonymous clients on keep-alive connections for a few seconds
each. ``--no-cache`` sets PAGE_CACHE_SECONDS=0, the pages rendered on every request, for comparison.
Writes the results to BENCHMARKS.md (section "Page cache") unless --no-report.
Nothing here talks to anything but 127.0.0.1.
"""

import argparse
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import booking_bench as bench  # noqa: E402

PAGES = [("home page", "/"), ("sector page", "/legal/"), ("service page", bench.SERVICE_PAGE_PATH)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--no-cache", action="store_true", help="PAGE_CACHE_SECONDS=0: every page rendered")
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()

    bench.recreate_database()
    env = dict(os.environ, DATABASE_URL=bench.BENCH_URL, DJANGO_SETTINGS_MODULE=bench.SETTINGS, DEBUG="0")
    env.update(DB_CONN_MAX_AGE="600", LOG_LEVEL="WARNING", PAGE_CACHE_SECONDS="0" if args.no_cache else "60")
    env.update(bench.ABUSE_LIMITS_FOR_ONE_ADDRESS)
    print("migrating the scratch database…", flush=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=bench.ROOT, env=env, check=True)
    bench.setup_django()
    bench.load_data(residents=1, slots_per_resident=1, race_size=1)

    gunicorn = [
        str(Path(sys.executable).parent / "gunicorn"),
        "marketplace.wsgi",
        "--config=/dev/null",  # as booking_bench.py: no worker recycling in the middle of a load
        f"--workers={args.workers}",
        f"--bind=127.0.0.1:{bench.PORT}",
        "--log-level=warning",
        "--backlog=512",
    ]
    server = subprocess.Popen(gunicorn, cwd=bench.ROOT, env=env)
    bench.OURS["gunicorn"].add(server.pid)
    loads = []
    try:
        bench.wait_for_server()
        for _name, path in PAGES:
            bench.warm_up(path, args.workers * 2)
        bench.warm_up(bench.TRIVIAL_PATH, args.workers * 2)
        print(f"{args.clients} anonymous clients for {args.seconds:g} s each:", flush=True)
        for name, path in [("trivial view", bench.TRIVIAL_PATH), *PAGES]:
            requests = lambda n, p=path: bench.forever(lambda c: bench.get(c, p))  # noqa: E731
            load = bench.Load(name, args.clients, args.seconds, requests)
            loads.append((path, load.run()))
    finally:
        server.terminate()
        server.wait(timeout=30)
        from django.db import connection

        connection.close()
        bench.drop_database()

    trivial = loads[0][1]
    mode = "off (PAGE_CACHE_SECONDS=0)" if args.no_cache else "on (PAGE_CACHE_SECONDS=60, each worker's memory)"
    report = "\n".join(
        [
            "## Page cache (`bench/page_cache_bench.py`)",
            "",
            f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; "
            f"load average before the run: {bench.LOAD_BEFORE}",
            f"- Machine: {bench.machine()}",
            f"- Command: `.venv/bin/python bench/page_cache_bench.py --workers {args.workers} "
            f"--clients {args.clients} --seconds {args.seconds:g}{' --no-cache' if args.no_cache else ''}`",
            f"- Server: gunicorn, {args.workers} sync workers, settings `bench.settings`, PostgreSQL on 127.0.0.1, "
            f"DEBUG off; page cache {mode}",
            f"- Each load: {args.clients} anonymous clients (no cookies) on keep-alive connections for "
            f"{args.seconds:g} s, one after another; ratios are to the trivial view's requests/s in the same run",
            "",
            "| load | requests/s | share of the trivial view | p50 / p95 | responses | CPU per request: gunicorn |",
            "|---|---:|---:|---|---|---:|",
            *(
                f"| {load.name} (`GET {path}`) | {load.rate:.1f} | "
                f"{'100 %' if load is trivial else f'**{load.rate / trivial.rate:.1%}**'} | "
                f"{load.p50:.1f} ms / {load.p95:.1f} ms | {load.responses()} | "
                f"{load.cpu_per_request('gunicorn'):.2f} ms |"
                for path, load in loads
            ),
        ]
    )
    print(report)
    if not args.no_report:
        bench.write_report(report, section="page-cache-bench")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
