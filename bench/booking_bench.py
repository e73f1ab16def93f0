#!/usr/bin/env python
"""Bookings per second through the JSON API, served by gunicorn on PostgreSQL.

    .venv/bin/python bench/booking_bench.py [--workers 4] [--residents 20] [--seconds 20]

1. creates a scratch PostgreSQL database (dropped again at the end), migrates it
   and loads a service with enough slots that each resident books distinct ones;
2. serves the app with gunicorn on 127.0.0.1 and has N residents book through
   POST /api/v1/bookings as fast as they can: throughput, p50/p95 latency;
3. a race: 200 residents released together against one slot of capacity 5,
   then counts 201s, 409s, 5xx and what the database holds;
4. writes the results to BENCHMARKS.md (section "Booking API").
Nothing here talks to anything but 127.0.0.1.
"""

import argparse
import http.client
import json
import os
import platform
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "panlong_bench"
BENCH_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + BENCH_DB
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def recreate_database():
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def drop_database():
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def setup_django():
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    import django

    django.setup()


def load_data(residents, slots_per_resident, race_size):
    """Users with API tokens, one service, distinct slots per resident, one small race slot."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from oscar.core.loading import get_model
    from wagtail.models import APIToken

    from catalog.services import add_offering, create_service
    from providers.models import Slot, Street

    Category = get_model("catalogue", "Category")
    Partner = get_model("partner", "Partner")
    User = get_user_model()

    street = Street.objects.create(name="拓东街道", slug="tuodong")
    provider = Partner.objects.create(name="拓东街道公共法律服务工作站", code="bench-legal", street=street)
    sector = Category.add_root(name="法律服务", slug="legal")
    service = create_service("免费法律咨询", sector, max_active_per_resident=0, book_ahead_days=30)
    offering = add_offering(service, provider, Decimal("0.00"))

    start = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    total = residents * slots_per_resident + 1
    Slot.objects.bulk_create(
        Slot(
            offering=offering,
            starts_at=start + timedelta(minutes=i),
            ends_at=start + timedelta(minutes=i + 30),
            capacity=1,
        )
        for i in range(total)
    )
    slot_ids = list(Slot.objects.order_by("starts_at").values_list("pk", flat=True))
    race_slot = slot_ids.pop()
    Slot.objects.filter(pk=race_slot).update(capacity=5)

    def make_users(prefix, count):
        users = [
            User(email=f"{prefix}{i}@bench.example", name=f"居民{i}", phone=f"138{i:08d}"[:11]) for i in range(count)
        ]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users)
        tokens = []
        for user in User.objects.filter(email__startswith=prefix).order_by("pk"):
            tokens.append(APIToken.create_token(user=user, name="bench")[1])
        return tokens

    load_tokens = make_users("load", residents)
    race_tokens = make_users("race", race_size)
    per_resident = [slot_ids[i::residents][:slots_per_resident] for i in range(residents)]
    return load_tokens, per_resident, race_tokens, race_slot


def post_booking(conn, token, slot_id):
    body = json.dumps({"slot": slot_id})
    started = time.perf_counter()
    conn.request(
        "POST",
        "/api/v1/bookings",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


def wait_for_server():
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/api/v1/categories")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def cpu_times():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def cpu_by_process():
    """CPU seconds used so far by the app server, the database and this client."""
    groups = {"gunicorn": 0, "postgres": 0, "client": 0}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / tick
        if int(entry.name) == os.getpid():
            groups["client"] += used
        elif "gunicorn" in cmdline:
            groups["gunicorn"] += used
        elif cmdline.startswith("postgres"):
            groups["postgres"] += used
    return groups


def throughput(tokens, per_resident, seconds):
    latencies, statuses = [], {}
    lock = threading.Lock()
    deadline = [None]
    barrier = threading.Barrier(len(tokens) + 1)

    def resident(token, slots):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        barrier.wait()
        for slot_id in slots:
            if time.perf_counter() > deadline[0]:
                break
            status, elapsed = post_booking(conn, token, slot_id)
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=resident, args=(t, s)) for t, s in zip(tokens, per_resident, strict=True)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return statuses, latencies, elapsed


def race(tokens, slot_id):
    statuses = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens))

    def resident(token):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        conn.connect()
        barrier.wait()
        status, _elapsed = post_booking(conn, token, slot_id)
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=resident, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores ({cpu}){memory}, {system}"


def write_report(text, section="booking-bench"):
    """Replace this benchmark's section of BENCHMARKS.md (between its markers), or append it."""
    path = ROOT / "BENCHMARKS.md"
    marker_start, marker_end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    block = f"{marker_start}\n{text}\n{marker_end}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if marker_start in current:
        before, rest = current.split(marker_start, 1)
        after = rest.split(marker_end, 1)[1]
        current = before + block + after
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(current, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--race", type=int, default=200)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()

    recreate_database()
    env = dict(os.environ, DATABASE_URL=BENCH_URL, DJANGO_SETTINGS_MODULE="marketplace.settings.dev", DEBUG="0")
    env["DB_CONN_MAX_AGE"] = "600"
    env["LOG_LEVEL"] = "WARNING"
    print("migrating the scratch database…", flush=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    setup_django()
    slots_per_resident = 400
    tokens, per_resident, race_tokens, race_slot = load_data(args.residents, slots_per_resident, args.race)

    gunicorn = [
        str(Path(sys.executable).parent / "gunicorn"),
        "marketplace.wsgi",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        f"--bind=127.0.0.1:{PORT}",
        "--log-level=warning",
        "--backlog=512",
    ]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        wait_for_server()
        print(f"load: {args.residents} residents for {args.seconds:.0f} s…", flush=True)
        busy_before, total_before = cpu_times()
        by_process_before = cpu_by_process()
        statuses, latencies, elapsed = throughput(tokens, per_resident, args.seconds)
        busy_after, total_after = cpu_times()
        by_process = {k: v - by_process_before[k] for k, v in cpu_by_process().items()}
        cpu_busy = (busy_after - busy_before) / max(total_after - total_before, 1)
        print(f"race: {args.race} residents on one slot of capacity 5…", flush=True)
        race_statuses = race(race_tokens, race_slot)
    finally:
        server.terminate()
        server.wait(timeout=30)

    from marketplace.booking.models import Booking
    from providers.models import Slot

    race_row = Slot.objects.get(pk=race_slot)
    race_bookings = Booking.objects.filter(slot_id=race_slot).count()
    overbooked = Slot.objects.filter(num_booked__gt=models_f("capacity")).count()
    created = statuses.get(201, 0)
    rate = created / elapsed
    p50, p95 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.95) * 1000
    from django.db import connection

    connection.close()
    drop_database()

    report = "\n".join(
        [
            "## Booking API (`bench/booking_bench.py`)",
            "",
            f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
            f"- Machine: {machine()}",
            f"- Command: `.venv/bin/python bench/booking_bench.py --workers {args.workers} --threads {args.threads} "
            f"--residents {args.residents} --seconds {args.seconds:g} --race {args.race}`",
            f"- Server: gunicorn, {args.workers} sync workers × {args.threads} thread(s), PostgreSQL on 127.0.0.1, "
            "persistent connections (DB_CONN_MAX_AGE=600), DEBUG off",
            "",
            "| measure | result |",
            "|---|---|",
            f"| bookings created ({args.residents} residents, distinct slots, {elapsed:.1f} s) | {created} |",
            f"| **bookings per second** | **{rate:.1f}** |",
            f"| latency p50 / p95 | {p50:.1f} ms / {p95:.1f} ms |",
            f"| responses | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} |",
            f"| machine CPU busy during the load (server, database and client together) | {cpu_busy:.0%} |",
            "| CPU per booking: gunicorn / PostgreSQL / benchmark client | "
            + " / ".join(f"{by_process[k] / max(created, 1) * 1000:.1f} ms" for k in ("gunicorn", "postgres", "client"))
            + " |",
            f"| race: {args.race} residents, 1 slot of capacity 5 | "
            f"{', '.join(f'{k}: {v}' for k, v in sorted(race_statuses.items()))} |",
            f"| race slot afterwards | num_booked = {race_row.num_booked}, bookings = {race_bookings} |",
            f"| slots overbooked | {overbooked} |",
        ]
    )
    print(report)
    if not args.no_report:
        write_report(report)
    ok = overbooked == 0 and race_row.num_booked == 5 and race_bookings == 5 and race_statuses.get(500, 0) == 0
    return 0 if ok else 1


def models_f(name):
    from django.db.models import F

    return F(name)


if __name__ == "__main__":
    raise SystemExit(main())
