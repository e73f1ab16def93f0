#!/usr/bin/env python
"""A soak of the production layout, with faults survived (issue 23, items 5 and 6).

    .venv/bin/python bench/soak.py [--users 20] [--minutes 10] [--faults] [--web-workers 3]

1. starts a PostgreSQL and a Redis of its own (initdb into a scratch directory, port 5499; redis-server on
   6399), so that the faults it injects touch nobody else's; a mail server and an SMS gateway of its own
   on 127.0.0.1 (they count what they receive; the SMS gateway can be told to stall);
2. the production layout as `make serve` runs it: gunicorn with gunicorn.conf.py and
   marketplace.settings.production (the environment deploy/local.py writes, pointed at the services
   above), one `manage.py db_worker` and `manage.py run_scheduler`; migrate, seed_demo, collectstatic;
3. soak data beside the demo: N residents and one provider's staff member with API tokens, a free and a
   paid service with small slots (capacity 3) every minute of the run, bookable at once;
4. N users for --minutes, each doing a weighted mix one request after another: browse (home, sector and
   service pages), search, book (API), book and pay on the sandbox gateway (its hosted page), cancel
   (refunds), check in (the staff member, API), rate; every response's status is recorded;
5. --faults: PostgreSQL stopped and started again (--pg-outage s) at 20 % of the run, Redis shut down
   (--redis-outage s) at 40 %, the SMS and payment gateways stalled past their timeouts
   (--gateway-outage s) at 65 %; /healthz is polled every 2 s throughout and its changes kept;
6. at the end: 5xx by status and when (in a fault window or not), oversold slots, every booking answered
   201 still in the database, the RSS of each process every 10 s (first after warm-up / last / max), the
   task queue drained (waits up to --drain s), notices and refunds by status, what the mail server and
   the SMS gateway received; written to BENCHMARKS.md (section "Soak (issue 23)") unless --no-report.

The product's task retries (1, 5 and 30 minutes) are compressed like the faults (TASK_RETRY_MINUTES=1):
the run could not otherwise see a retry go through; so is the time after which a task its worker died on
goes back in the queue (TASK_ABANDONED_MINUTES=1, 30 in production). gunicorn does not replace its workers
during the run (GUNICORN_MAX_REQUESTS=0): replacing them would hide the memory growth the run measures.
Nothing here talks to anything but 127.0.0.1; PostgreSQL and Redis are stopped and removed at the end,
whatever happens. Exit status 0 when every requirement held.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.booking_bench import ABUSE_LIMITS_FOR_ONE_ADDRESS, machine, write_report  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql") / sorted(os.listdir("/usr/lib/postgresql"))[-1] / "bin"
PG_PORT = int(os.environ.get("SOAK_PG_PORT", "5499"))
REDIS_PORT = int(os.environ.get("SOAK_REDIS_PORT", "6399"))
WEB_PORT = int(os.environ.get("SOAK_PORT", "8799"))
DATABASE = "panlong_soak"
BASE = f"http://127.0.0.1:{WEB_PORT}"
SEARCH_WORDS = ["法律", "falv", "体检", "养老", "心理", "社区", "咨询", "fl", "jiuye", "维修"]
WEIGHTS = {"browse": 35, "search": 15, "book": 15, "pay": 10, "cancel": 8, "check_in": 10, "rate": 7}
# The soak's services: bookable up to the minute, cancellable until they begin, no limit per resident, so
# that every action of the mix has something to act on in a run of minutes.
RULES = {"min_notice_minutes": 0, "book_ahead_days": 7, "cancel_until_hours": 0, "max_active_per_resident": 0}
LOAD_BEFORE = " / ".join(f"{value:.2f}" for value in os.getloadavg())


def run(command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


def as_postgres(*command):
    """PostgreSQL refuses to run as root: its binaries run as the postgres user when this script is root."""
    return ["runuser", "-u", "postgres", "--", *map(str, command)] if os.geteuid() == 0 else list(map(str, command))


class Postgres:
    """A scratch cluster of our own on PG_PORT: trust on 127.0.0.1, socket in its directory."""

    def __init__(self, scratch):
        self.dir = scratch / "pg"
        self.dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(scratch, "postgres")
            shutil.chown(self.dir, "postgres")
        run(
            as_postgres(PG_BIN / "initdb", "-D", self.dir, "-U", "postgres", "-A", "trust", "-E", "UTF8"),
            stdout=subprocess.DEVNULL,
        )
        self.url = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}"

    def start(self):
        options = f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        run(
            as_postgres(PG_BIN / "pg_ctl", "-D", self.dir, "-l", self.dir / "log", "-o", options, "-w", "start"),
            stdout=subprocess.DEVNULL,
        )

    def stop(self, mode="fast"):
        subprocess.run(
            as_postgres(PG_BIN / "pg_ctl", "-D", self.dir, "-m", mode, "-w", "stop"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def pids(self):
        """The postmaster and its children (backends, writers)."""
        try:
            postmaster = int((self.dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return []
        return [postmaster, *children(postmaster)]


class Redis:
    def __init__(self, scratch):
        self.log = open(scratch / "redis.log", "ab")  # noqa: SIM115
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
            stdout=self.log,
            stderr=self.log,
        )
        for _ in range(50):
            if (
                subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True).stdout.strip()
                == b"PONG"
            ):
                return
            time.sleep(0.1)
        raise SystemExit("redis-server did not come up")

    def shutdown(self):
        """As an operator would stop it: SHUTDOWN NOSAVE, everything it held lost."""
        if self.process and self.process.poll() is None:
            subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def running(self):
        return self.process is not None and self.process.poll() is None


class SmsGateway:
    """HTTP SMS gateway of sms.py's protocol on 127.0.0.1; ``stalled``: it answers after the client gave up."""

    def __init__(self, timeout):
        self.accepted, self.stalled, self.lock = 0, False, threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if gateway.stalled:
                    time.sleep(timeout + 1)
                    self.send_response(504)
                    self.end_headers()
                    return
                with gateway.lock:
                    gateway.accepted += 1
                    number = gateway.accepted
                body = json.dumps({"id": f"soak-{number}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class MailSink:
    """Just enough SMTP to take the site's mail (EHLO, MAIL, RCPT, DATA, QUIT) and count it."""

    def __init__(self):
        self.received, self.lock = 0, threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 soak ESMTP\r\n")
                while line := self.rfile.readline():
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        while (data := self.rfile.readline()) and data != b".\r\n":
                            pass
                        with sink.lock:
                            sink.received += 1
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    elif verb == b"EHLO":
                        self.wfile.write(b"250-soak\r\n250 8BITMIME\r\n")
                    else:
                        self.wfile.write(b"250 ok\r\n")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return sorted(found)


def rss_mib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def production_env(scratch, args, sms, mail):
    """deploy/local.py's environment of `make serve`, pointed at this run's own services."""
    env_file = scratch / "env"
    run([sys.executable, "deploy/local.py", "env", env_file], cwd=ROOT, stdout=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "SMS_"))}
    for line in env_file.read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = value
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        SITE_URL=BASE,
        PORT=str(WEB_PORT),
        WEB_CONCURRENCY=str(args.web_workers),
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_LOG_LEVEL="warning",
        EMAIL_PORT=str(mail.port),
        SMS_GATEWAY_URL=sms.url,
        SMS_GATEWAY_TOKEN="soak",
        SMS_GATEWAY_TIMEOUT=str(args.gateway_timeout),
        PAYMENT_GATEWAY_TIMEOUT=str(args.gateway_timeout),
        PAYMENT_SANDBOX_STALL_FILE=str(scratch / "payment-gateway-stalled"),
        TASK_RETRY_MINUTES="1,1,1,1,1",
        # A task its worker died on (killed when PostgreSQL went away) is back in the queue within the run.
        TASK_ABANDONED_MINUTES="1",
        STATIC_ROOT=str(scratch / "static"),
        MEDIA_ROOT=str(scratch / "media"),
        PRIVATE_MEDIA_ROOT=str(scratch / "private"),
        **ABUSE_LIMITS_FOR_ONE_ADDRESS,
    )
    return env


def load_data(users, minutes):
    """Residents and a staff member with tokens; a free and a paid service, a slot a minute of capacity 3 each."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from oscar.core.loading import get_model
    from wagtail.models import APIToken, Page

    from catalog.services import add_offering, create_service
    from providers.models import Slot, Street

    Category = get_model("catalogue", "Category")
    Partner = get_model("partner", "Partner")
    User = get_user_model()

    street = Street.objects.order_by("pk").first()
    provider = Partner.objects.create(name="拓东街道便民服务站（压测）", code="soak-provider", street=street)
    sector = Category.objects.filter(depth=1).order_by("pk").first()
    free = create_service("社区便民咨询（压测）", sector, **RULES)
    paid = create_service("社区上门维修（压测）", sector, **RULES)
    offerings = {
        "free": add_offering(free, provider, Decimal("0.00")),
        "paid": add_offering(paid, provider, Decimal("5.00")),
    }
    first = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=2)
    for offering in offerings.values():
        Slot.objects.bulk_create(
            Slot(
                offering=offering,
                starts_at=first + timedelta(minutes=i),
                ends_at=first + timedelta(minutes=i + 20),
                capacity=3,
            )
            for i in range(int(minutes) + 30)
        )
    slots = {
        kind: list(Slot.objects.filter(offering=offering).order_by("starts_at").values_list("pk", "starts_at"))
        for kind, offering in offerings.items()
    }
    staff = User.objects.create(email="staff@soak.example", name="窗口工作人员", phone="13700000000")
    provider.users.add(staff)
    residents = [User(email=f"soak{i}@soak.example", name=f"居民{i}", phone=f"139{i:08d}") for i in range(users)]
    for user in residents:
        user.set_unusable_password()
    User.objects.bulk_create(residents)
    tokens = [
        APIToken.create_token(user=user, name="soak")[1]
        for user in User.objects.filter(email__startswith="soak").order_by("pk")
    ]
    staff_token = APIToken.create_token(user=staff, name="soak")[1]
    # Relative URLs, or absolute ones naming the demo's site: either way the path is what is asked for.
    urls = [page.url for page in Page.objects.live().filter(depth__gte=2).specific()[:200] if page.url]
    pages = ["/" + url.split("/", 3)[3] if url.startswith("http") else url for url in urls]
    return tokens, staff_token, slots, pages


class Soak:
    """The users' shared record: statuses by action and time, bookings answered 201, codes to check in and rate."""

    def __init__(self, tokens, staff_token, slots, pages, started):
        self.tokens, self.staff_token, self.slots, self.pages = tokens, staff_token, slots, pages
        self.started = started
        self.lock = threading.Lock()
        self.responses = []  # (seconds since start, action, status)
        self.booked = {}  # code -> (user number, kind, slot id)
        self.to_check_in, self.to_rate, self.cancellable = [], [], []
        self.deadline = None

    def record(self, action, status):
        with self.lock:
            self.responses.append((time.monotonic() - self.started, action, status))

    def upcoming(self, kind):
        """A slot starting in the next few minutes: every user wants the same few, so capacity is contended."""
        now = datetime.now().astimezone()
        ahead = [pk for pk, starts_at in self.slots[kind] if starts_at > now + timedelta(seconds=20)]
        return random.choice(ahead[:5]) if ahead else None


def call(soak, session, action, method, path, **kwargs):
    kwargs.setdefault("timeout", 60)
    kwargs.setdefault("allow_redirects", False)
    try:
        response = session.request(method, BASE + path, **kwargs)
    except requests.RequestException as error:
        soak.record(action, f"error:{type(error).__name__}")
        return None
    soak.record(action, response.status_code)
    return response


def user_loop(soak, number):
    session = requests.Session()
    resident = {"Authorization": f"Bearer {soak.tokens[number]}"}
    staff = {"Authorization": f"Bearer {soak.staff_token}"}
    actions, weights = zip(*WEIGHTS.items(), strict=True)
    while time.monotonic() < soak.deadline:
        action = random.choices(actions, weights)[0]
        if action == "browse":
            for path in ("/", random.choice(soak.pages), random.choice(soak.pages)):
                call(soak, session, action, "GET", path)
        elif action == "search":
            word = random.choice(SEARCH_WORDS)
            call(soak, session, action, "GET", "/search/", params={"q": word})
            call(soak, session, action, "GET", "/api/v1/suggest", params={"q": word[:2]})
        elif action in ("book", "pay"):
            kind = "free" if action == "book" else "paid"
            slot = soak.upcoming(kind)
            if slot is None:
                continue
            response = call(soak, session, action, "POST", "/api/v1/bookings", json={"slot": slot}, headers=resident)
            if response is None or response.status_code != 201:
                continue
            code = response.json()["code"]
            with soak.lock:
                soak.booked[code] = (number, kind, slot)
                soak.cancellable.append((number, code))
                if kind == "free":
                    soak.to_check_in.append((number, code))
            if kind == "paid":
                pay(soak, session, number, code, resident)
        elif action == "cancel":
            with soak.lock:
                mine = [item for item in soak.cancellable if item[0] == number]
                chosen = random.choice(mine) if mine else None
                if chosen:
                    soak.cancellable.remove(chosen)
            if chosen:
                call(soak, session, action, "POST", f"/api/v1/bookings/{chosen[1]}/cancel", headers=resident)
        elif action == "check_in":
            with soak.lock:
                chosen = soak.to_check_in.pop(0) if soak.to_check_in else None
            if chosen:
                response = call(
                    soak, session, action, "POST", "/api/v1/provider/checkins", json={"code": chosen[1]}, headers=staff
                )
                if response is not None and response.status_code == 200:
                    with soak.lock:
                        soak.to_rate.append((chosen, response.json()["slot"]["starts_at"]))
        elif action == "rate":
            now = datetime.now().astimezone()
            with soak.lock:
                due = [item for item in soak.to_rate if item[0][0] == number and datetime.fromisoformat(item[1]) <= now]
                if due:
                    soak.to_rate.remove(due[0])
            if due:
                (_owner, code), _starts = due[0]
                call(
                    soak,
                    session,
                    action,
                    "POST",
                    f"/api/v1/bookings/{code}/rating",
                    json={"stars": random.randint(3, 5), "tags": []},
                    headers=resident,
                )


def pay(soak, session, number, code, resident):
    """Ask where to pay, open the sandbox's hosted page and approve, as the resident's browser would."""
    response = call(soak, session, "pay", "POST", f"/api/v1/bookings/{code}/pay", headers=resident)
    if response is None or response.status_code != 200:
        return
    path = "/" + response.json()["pay_url"].split("/", 3)[3]
    page = call(soak, session, "pay", "GET", path)
    if page is None or page.status_code != 200:
        return
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    cookie = page.cookies.get("csrftoken")
    if not token or not cookie:
        soak.record("pay", "error:no_csrf")
        return
    # The production cookie is Secure; over the loopback's plain http the client sends it by hand.
    call(
        soak,
        session,
        "pay",
        "POST",
        path,
        data={"csrfmiddlewaretoken": token.group(1), "decision": "approve"},
        headers={"Cookie": f"csrftoken={cookie}", "Referer": BASE + path},
    )


class Sampler(threading.Thread):
    """Every ``every`` s: the RSS of each process of the layout, and /healthz's answer every 2 s."""

    def __init__(self, roles, started, every=10):
        super().__init__(daemon=True)
        self.roles, self.started, self.every = roles, started, every
        self.rss = {}  # role -> [(t, MiB)]
        self.health = []  # (t, status, checks)
        self.stopping = threading.Event()

    def run(self):
        last_rss = -self.every
        while not self.stopping.is_set():
            now = time.monotonic() - self.started
            if now - last_rss >= self.every:
                last_rss = now
                for role, pid in self.roles().items():
                    value = rss_mib(pid)
                    if value is not None:
                        self.rss.setdefault(role, []).append((now, value))
            try:
                response = requests.get(BASE + "/healthz", timeout=5)
                answer = (response.status_code, json.dumps(response.json().get("checks", {}), sort_keys=True))
            except (requests.RequestException, ValueError) as error:
                answer = (type(error).__name__, "")
            if not self.health or self.health[-1][1:] != answer:
                self.health.append((now, *answer))
            self.stopping.wait(2)


class Faults(threading.Thread):
    """The faults at their times; every service is back when it ends, whatever happened."""

    def __init__(self, args, postgres, redis, sms, stall_file, started):
        super().__init__(daemon=True)
        self.args, self.postgres, self.redis, self.sms, self.stall_file = args, postgres, redis, sms, stall_file
        self.started = started
        self.windows = []  # (name, from, to) in seconds since start
        self.stopping = threading.Event()

    def at(self, share):
        self.stopping.wait(max(0, self.started + self.args.minutes * 60 * share - time.monotonic()))
        return not self.stopping.is_set()

    def window(self, name, begin, undo, seconds):
        began = time.monotonic() - self.started
        print(f"  [{began:6.0f} s] fault: {name}", flush=True)
        begin()
        try:
            self.stopping.wait(seconds)
        finally:
            undo()
            self.windows.append((name, began, time.monotonic() - self.started))
            print(f"  [{time.monotonic() - self.started:6.0f} s] back: {name}", flush=True)

    def run(self):
        if self.at(0.20):
            self.window(
                "PostgreSQL stopped and started again", self.postgres.stop, self.postgres.start, self.args.pg_outage
            )
        if self.at(0.40):
            self.window("Redis shut down (nosave)", self.redis.shutdown, self.redis.start, self.args.redis_outage)
        if self.at(0.65):
            self.window(
                "SMS and payment gateways time out",
                self.stall_gateways,
                self.release_gateways,
                self.args.gateway_outage,
            )

    def stall_gateways(self):
        self.sms.stalled = True
        self.stall_file.touch()

    def release_gateways(self):
        self.sms.stalled = False
        self.stall_file.unlink(missing_ok=True)


class Supervisor(threading.Thread):
    """The layout's processes, started again 5 s after one exits, as systemd does in production
    (deploy/panlong-*.service: Restart=always, RestartSec=5); each restart is counted and reported.
    (django-tasks-db's worker exits when it loses the database; the supervisor is what brings it back.)"""

    def __init__(self, env, logs, args):
        super().__init__(daemon=True)
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.commands = {"web": [gunicorn, "--config", "gunicorn.conf.py"]}
        for number in range(args.task_workers):
            self.commands[f"worker{number + 1}"] = [sys.executable, "manage.py", "db_worker"]
        self.commands["scheduler"] = [sys.executable, "manage.py", "run_scheduler"]
        self.env, self.logs = env, logs
        self.processes = {name: self.start_one(name) for name in self.commands}
        self.restarts = []  # (seconds since the load began or None, name, exit status)
        self.started = None
        self.stopping = threading.Event()

    def start_one(self, name):
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115
        return subprocess.Popen(self.commands[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def run(self):
        while not self.stopping.wait(1):
            for name, process in list(self.processes.items()):
                if process.poll() is not None and not self.stopping.wait(5):
                    when = time.monotonic() - self.started if self.started else None
                    self.restarts.append((when, name, process.returncode))
                    print(f"  supervisor: {name} exited ({process.returncode}), started again", flush=True)
                    self.processes[name] = self.start_one(name)

    def stop(self):
        self.stopping.set()
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def start_layout(env, logs, args):
    supervisor = Supervisor(env, logs, args)
    supervisor.start()
    for _ in range(300):
        try:
            if requests.get(BASE + "/healthz", timeout=2).status_code in (200, 503):
                return supervisor
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not come up (see its log)")


def roles_of(supervisor, postgres, redis):
    def roles():
        processes = supervisor.processes
        found = {"gunicorn master": processes["web"].pid}
        for number, pid in enumerate(children(processes["web"].pid), 1):
            found[f"gunicorn worker {number}"] = pid
        for name, process in processes.items():
            if name != "web":
                found["db_worker" if name.startswith("worker") else name] = process.pid
        pids = postgres.pids()
        if pids:
            found["postgres postmaster"] = pids[0]
        if redis.running():
            found["redis-server"] = redis.process.pid
        return found

    return roles


def drain(seconds):
    """Seconds until no task is left to run (deferred retries included); None if some still are after ``seconds``."""
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    began = time.monotonic()
    while True:
        close_old_connections()
        try:
            if not DBTaskResult.objects.filter(finished_at__isnull=True).exists():
                return time.monotonic() - began
        except Exception:  # the database may still be coming back after the last fault
            pass
        if time.monotonic() - began > seconds:
            return None
        time.sleep(1)


def outcome(soak, faults, args):
    """What the database says after the run."""
    from django.db import connection
    from django.db.models import Count, F, Q
    from django_tasks_db.models import DBTaskResult
    from oscar.core.loading import get_model

    from marketplace.notifications.models import Notice
    from marketplace.payment.models import GatewayPayment
    from providers.models import Slot

    Booking = get_model("booking", "Booking")
    connection.close()
    codes = set(soak.booked)
    present = set(Booking.objects.filter(code__in=codes).values_list("code", flat=True))
    active = Q(bookings__status__in=Booking.ACTIVE)
    oversold = Slot.objects.filter(num_booked__gt=F("capacity")).count()
    over_rows = (
        Slot.objects.filter(offering__partner__code="soak-provider")
        .annotate(taken=Count("bookings", filter=active))
        .filter(taken__gt=F("capacity"))
        .count()
    )
    tasks = DBTaskResult.objects.all()
    return {
        "bookings_201": len(codes),
        "bookings_missing": sorted(codes - present),
        "oversold_num_booked": oversold,
        "oversold_rows": over_rows,
        "bookings_by_status": dict(
            Booking.objects.filter(code__in=codes).values_list("status").annotate(n=Count("id")).order_by("status")
        ),
        "tasks": dict(tasks.values_list("status").annotate(n=Count("id")).order_by("status")),
        "tasks_unfinished": tasks.filter(finished_at__isnull=True).count(),
        "tasks_failed_attempts": tasks.filter(status="FAILED").count(),
        # marketplace/background.py writes "not tried again" into the last attempt's error.
        "tasks_given_up": tasks.filter(status="FAILED", traceback__contains="not tried again").count(),
        "notices": dict(Notice.objects.values_list("status").annotate(n=Count("id")).order_by("status")),
        "payments": dict(GatewayPayment.objects.values_list("status").annotate(n=Count("id")).order_by("status")),
        "refunds": refunds_by_status(),
    }


def refunds_by_status():
    from django.db.models import Count

    from marketplace.payment.models import GatewayRefund

    return dict(GatewayRefund.objects.values_list("status").annotate(n=Count("id")).order_by("status"))


def window_of(t, windows, grace):
    """The name of the fault window that ``t`` falls in (with ``grace`` seconds after it), or None."""
    return next((name for name, begin, end in windows if begin <= t <= end + grace), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers (make serve's WEB_CONCURRENCY)")
    parser.add_argument("--task-workers", type=int, default=1)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--pg-outage", type=float, default=10, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--redis-outage", type=float, default=60, help="seconds Redis stays down")
    parser.add_argument("--gateway-outage", type=float, default=60, help="seconds the gateways time out")
    parser.add_argument("--gateway-timeout", type=float, default=2, help="the SMS and payment clients' timeout")
    parser.add_argument("--drain", type=float, default=300, help="seconds to wait for the queue at the end")
    parser.add_argument("--flat", type=float, default=15, help="%% of growth after warm-up still called flat")
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (logs) for reading")
    args = parser.parse_args()
    # Stopped by a signal (timeout, Ctrl-C from a supervisor): still through the finally below, which stops
    # this run's PostgreSQL and Redis.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    scratch = Path(tempfile.mkdtemp(prefix="panlong-soak-"))
    os.chmod(scratch, 0o755)
    postgres = Postgres(scratch)
    redis = Redis(scratch)
    sms, mail = SmsGateway(args.gateway_timeout), MailSink()
    supervisor, faults, sampler = None, None, None
    try:
        postgres.start()
        redis.start()
        run(as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", DATABASE))
        env = production_env(scratch, args, sms, mail)
        print(f"== scratch {scratch}: migrate, seed_demo, collectstatic (production settings)", flush=True)
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env)
        run(
            [sys.executable, "manage.py", "seed_demo", "--i-know-this-is-a-demo", "-v0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        print("   seeded; collecting static files", flush=True)
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env)
        os.environ.update(env)
        import django

        django.setup()
        tokens, staff_token, slots, pages = load_data(args.users, args.minutes)
        supervisor = start_layout(env, scratch, args)
        if drain(120) is None:
            print("   (the queue of the seeding was not empty after 120 s: counted with the rest)", flush=True)

        started = supervisor.started = time.monotonic()
        soak = Soak(tokens, staff_token, slots, pages, started)
        soak.deadline = started + args.minutes * 60
        sampler = Sampler(roles_of(supervisor, postgres, redis), started)
        sampler.start()
        if args.faults:
            faults = Faults(args, postgres, redis, sms, Path(env["PAYMENT_SANDBOX_STALL_FILE"]), started)
            faults.start()
        print(f"== {args.users} users for {args.minutes:g} min{' with faults' if args.faults else ''}", flush=True)
        users = [threading.Thread(target=user_loop, args=(soak, n), daemon=True) for n in range(args.users)]
        for user in users:
            user.start()
        for user in users:
            user.join()
        elapsed = time.monotonic() - started
        if faults:
            faults.stopping.set()
            faults.join()
        print("== load over; waiting for the queue", flush=True)
        drained = drain(args.drain)
        sampler.stopping.set()
        sampler.join()
        result = outcome(soak, faults, args)
    finally:
        if faults:
            faults.stopping.set()
            faults.release_gateways()
        if supervisor:
            supervisor.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        redis.shutdown()
        postgres.stop("immediate")
        if args.keep:
            print(f"scratch directory kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    return report(args, soak, faults, sampler, result, drained, elapsed, sms, mail, supervisor.restarts)


def report(args, soak, faults, sampler, result, drained, elapsed, sms, mail, restarts):
    windows = faults.windows if faults else []
    by_action, by_status = {}, {}
    five_hundreds = {"in a fault window": 0, "outside": 0}
    per_window = {name: {} for name, _begin, _end in windows}  # window -> action -> 5xx
    served_500 = 0
    for t, action, status in soak.responses:
        counts = by_action.setdefault(action, {})
        counts[status] = counts.get(status, 0) + 1
        by_status[status] = by_status.get(status, 0) + 1
        if isinstance(status, int) and status >= 500:
            # A request begun during a fault may end a little after it: 5 s of grace.
            window = window_of(t, windows, 5)
            five_hundreds["in a fault window" if window else "outside"] += 1
            if window:
                per_window[window][action] = per_window[window].get(action, 0) + 1
            served_500 += status == 500
    total = len(soak.responses)
    warm = args.minutes * 60 * 0.15
    rss_rows, flat = [], True
    for role, samples in sorted(sampler.rss.items()):
        after = [v for t, v in samples if t >= warm] or [v for _t, v in samples]
        first, last, peak = after[0], after[-1], max(v for _t, v in samples)
        growth = (last - first) / first * 100 if first else 0
        ours = role.startswith(("gunicorn", "db_worker", "scheduler"))
        role_flat = growth <= args.flat
        flat &= role_flat or not ours
        rss_rows.append(
            f"| {role} | {samples[0][1]:.0f} | {first:.0f} | {last:.0f} | {peak:.0f} | {growth:+.1f} % | "
            f"{('yes' if role_flat else '**no**') if ours else '(restarted by a fault)' if not role_flat else 'yes'} |"
        )
    health_rows = [f"| {t:.0f} s | {status} | {checks or '(no answer)'} |" for t, status, checks in sampler.health]
    ok = (
        served_500 == 0
        and five_hundreds["outside"] == 0
        and result["oversold_num_booked"] == 0
        and result["oversold_rows"] == 0
        and not result["bookings_missing"]
        and drained is not None
        and result["tasks_given_up"] == 0
        and flat
    )
    command = (
        f".venv/bin/python bench/soak.py --users {args.users} --minutes {args.minutes:g}"
        f" --web-workers {args.web_workers} --task-workers {args.task_workers}"
        + (
            f" --faults --pg-outage {args.pg_outage:g} --redis-outage {args.redis_outage:g}"
            f" --gateway-outage {args.gateway_outage:g}"
            if args.faults
            else ""
        )
    )
    mix = ", ".join(f"{k} {v}" for k, v in WEIGHTS.items())
    lines = [
        "## Soak (issue 23) (`bench/soak.py`)",
        "",
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; load average before the run: {LOAD_BEFORE}",
        f"- Machine: {machine()}",
        f"- Command: `{command}`",
        f"- Layout: gunicorn (gunicorn.conf.py, {args.web_workers} sync workers, no recycling during the run), "
        f"marketplace.settings.production, {args.task_workers} db_worker, run_scheduler; its own PostgreSQL "
        f"and Redis; the demo seeded; task retries after 1 minute; gateways' timeout {args.gateway_timeout:g} s",
        f"- {args.users} users for {elapsed / 60:.1f} min, one request after another each; mix (weights): {mix}",
        f"- Requests: {total} ({total / elapsed:.1f}/s); by status: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items(), key=lambda kv: str(kv[0]))),
        "",
        "| action | responses |",
        "|---|---|",
        *(
            f"| {action} | {', '.join(f'{k}: {v}' for k, v in sorted(counts.items(), key=lambda kv: str(kv[0])))} |"
            for action, counts in sorted(by_action.items())
        ),
        "",
        "| requirement | result |",
        "|---|---|",
        f"| 500 answers | **{served_500}** |",
        f"| 5xx outside the fault windows (+5 s) | **{five_hundreds['outside']}** |",
        f"| 5xx during the fault windows (503 `unavailable` expected) | {five_hundreds['in a fault window']} |",
        *(
            f"| 5xx during {name}, by action | "
            + (", ".join(f"{action}: {n}" for action, n in sorted(counts.items())) or "none")
            + " |"
            for name, counts in per_window.items()
        ),
        f"| bookings answered 201 / still in the database | {result['bookings_201']} / "
        f"{result['bookings_201'] - len(result['bookings_missing'])} (by status now: "
        + ", ".join(f"{k}: {v}" for k, v in result["bookings_by_status"].items())
        + ") |",
        f"| slots oversold (num_booked > capacity / active bookings > capacity) | "
        f"**{result['oversold_num_booked']} / {result['oversold_rows']}** |",
        f"| queue drained after the load | {f'in {drained:.0f} s' if drained is not None else '**no**'}"
        f" (tasks left: {result['tasks_unfinished']}) |",
        f"| task results by status | {', '.join(f'{k}: {v}' for k, v in result['tasks'].items())} |",
        f"| failed attempts (each retried) / given up | {result['tasks_failed_attempts']} / "
        f"**{result['tasks_given_up']}** |",
        f"| notices by status | {', '.join(f'{k}: {v}' for k, v in result['notices'].items())} |",
        f"| payments / refunds by status | {', '.join(f'{k}: {v}' for k, v in result['payments'].items())} / "
        f"{', '.join(f'{k}: {v}' for k, v in result['refunds'].items()) or 'none'} |",
        f"| mail received / SMS accepted by the gateway | {mail.received} / {sms.accepted} |",
        "| processes that exited and were started again (as systemd would) | "
        + (
            ", ".join(
                f"{name} (exit {code}) at {when:.0f} s" if when is not None else name for when, name, code in restarts
            )
            or "none"
        )
        + " |",
        f"| requests that got no answer (connection errors) | "
        f"{sum(v for k, v in by_status.items() if str(k).startswith('error'))} |",
        f"| memory flat (last within {args.flat:g} % of the first sample after warm-up) | "
        f"{'yes' if flat else '**no**'} |",
        "",
        f"RSS in MiB, sampled every 10 s (warm-up: the first {warm:.0f} s):",
        "",
        "| process | at start | first after warm-up | last | max | growth | flat |",
        "|---|---:|---:|---:|---:|---:|---|",
        *rss_rows,
        "",
    ]
    if windows:
        lines += [
            "Faults (seconds since the load began):",
            "",
            *(f"- {begin:.0f}–{end:.0f} s: {name}" for name, begin, end in windows),
            "",
        ]
    lines += [
        "/healthz, each change (seconds since the load began):",
        "",
        "| at | status | checks |",
        "|---|---|---|",
        *health_rows,
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_report:
        write_report(text, section="soak")
    print("ALL REQUIREMENTS HELD" if ok else "SOME REQUIREMENT FAILED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
