"""The demo's grids (网格): every community of Panlong divided into two to four grids of buildings and
courtyards, a grid worker (孔网格, grid@example.com) walking the grids of 拓东社区, a few residents there who
agreed to be seen, the organisations that take demands, and the grid worker's demands: in the previous
month one done on time by 拓东's station, one done late by 青云's after supervision escalated it, one sent
back by the social security window and sent on to the district's centre (so the index's "demands closed
on time" and "few escalations" have something to show for a published period, and 青云, the slow street
of the demo's story, stays slow); in the running one one done, one waiting to be accepted, and one left
past its deadline at 青云's station (escalated). Made once: a re-run adds only what is missing."""

import zlib
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from demo import data as demo_data
from demo.matters import past_notices_dropped, staff_of
from marketplace.audit.context import acting
from marketplace.grid import services
from marketplace.grid.models import Demand, Grid, GridResident, GridWorker
from marketplace.matters import services as matter_services
from marketplace.matters import supervision, workdays
from marketplace.matters.models import Desk

Partner = get_model("partner", "Partner")

ORDINALS = "一二三四"
WORKER = ("grid@example.com", "孔网格", "13700871007")
WORKER_COMMUNITY = "tuodong-tuodong"
# The residents of the pool who agreed (resident-NNN@example.com), with their grid's number and building.
# The grid and building of each of the pool residents who live in the worker's community (demo_data.GRID_NEIGHBOURS).
CONSENTING = ((3, 1, "2栋"), (8, 1, "5栋"), (14, 2, "9栋"), (21, 2, "11栋"), (27, 3, "东院"))
# Who takes demands: the district's public legal service centre by default, and these.
DEMAND_DESKS = ("district-legal", "tuodong-legal", "district-hrss", "gulou-health", "qingyun-legal")


def grids_of(community):
    """Two to four grids for ``community``, the same on every run: consecutive buildings, then a courtyard."""
    seed = zlib.crc32(community.slug.encode())
    count = 2 + seed % 3
    per_grid = 4 + seed % 4
    grids = []
    first = 1
    for number in range(1, count + 1):
        last = first + per_grid - 1
        buildings = [f"{first}–{last}栋"]
        if number == count:
            buildings.append(("东院", "西院", "南院", "北院")[seed % 4])
        grids.append((number, f"第{ORDINALS[number - 1]}网格", "\n".join(buildings)))
        first = last + 1
    return grids


def seed_grids(communities):
    made = 0
    existing = set(Grid.objects.values_list("community_id", "number"))
    for community in communities.values():
        for number, name, buildings in grids_of(community):
            if (community.pk, number) not in existing:
                Grid.objects.create(community=community, number=number, name=name, buildings=buildings)
                made += 1
    return made


def seed_worker(communities):
    User = get_user_model()
    email, name, phone = WORKER
    user = User.objects.filter(email__iexact=email).first()
    created = 0
    if user is None:
        user = User.objects.create_user(email=email, password=None, name=name, phone=phone)
        user.password = make_password(demo_data.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        created = 1
    worker, _new = GridWorker.objects.get_or_create(user=user)
    worker.grids.add(*Grid.objects.filter(community=communities[WORKER_COMMUNITY]))
    return user, created


def seed_consents(communities, now):
    """The pool residents who live in the grid worker's community agree to be seen by her."""
    community = communities[WORKER_COMMUNITY]
    User = get_user_model()
    made = 0
    for number, grid_number, building in CONSENTING:
        user = User.objects.filter(email=f"resident-{number:03d}@example.com", home_community=community).first()
        if user is None or GridResident.objects.filter(user=user).exists():
            continue
        grid = Grid.objects.get(community=community, number=grid_number)
        with acting("web", user=user):
            services.agree(user, grid.pk, building, now=now - timedelta(days=20 - number % 7))
        made += 1
    return made


def seed_demand_desks():
    made = 0
    for code in DEMAND_DESKS:
        partner = Partner.objects.filter(code=code).first()
        if partner is not None:
            _desk, new = Desk.objects.get_or_create(
                kind="demand", organisation=partner, defaults={"is_default": code == DEMAND_DESKS[0]}
            )
            made += new
    return made


def seed_demands(worker, communities, now):
    if Demand.objects.filter(worker=worker).exists():
        return 0
    community = communities[WORKER_COMMUNITY]
    grid = Grid.objects.get(community=community, number=1)
    station = Partner.objects.filter(code="tuodong-legal").first()
    centre = Partner.objects.filter(code="district-legal").first()
    hrss = Partner.objects.filter(code="district-hrss").first()
    slow = Partner.objects.filter(code="qingyun-legal").first()
    if station is None or centre is None:
        return 0
    resident = GridResident.objects.filter(grid=grid, withdrawn_at__isnull=True).select_related("user").first()
    made = 0
    with transaction.atomic(), past_notices_dropped():
        at = now - timedelta(days=6)
        with acting("grid", user=worker):
            done = services.record_demand(
                worker,
                grid.pk,
                "独居老人家中漏水，房东联系不上，想咨询租房维修责任。",
                "legal",
                resident.building if resident else "2栋",
                station.pk,
                resident_id=resident.user_id if resident else None,
                now=at,
            )
        staff = staff_of(station.pk)
        with acting("console", user=staff):
            matter_services.take_step(staff, done.matter.reference, "accept", now=at + timedelta(hours=3))
            matter_services.take_step(
                staff,
                done.matter.reference,
                "complete",
                text="律师已上门讲解租赁合同中的维修责任，并协助联系房东，房东已同意三日内修好。",
                now=at + timedelta(days=2),
            )
        made += 1
        with acting("grid", user=worker):
            services.record_demand(
                worker,
                grid.pk,
                "小区3栋楼道堆放杂物，居民担心消防安全，请协调清理并宣传消防常识。",
                "safety",
                "3栋",
                centre.pk,
                now=now - timedelta(hours=5),
            )
        made += 1
        if hrss is not None and slow is not None:
            made += seed_past_demands(worker, grid, station, centre, hrss, slow, now)
    return made


def seed_past_demands(worker, grid, station, centre, hrss, slow, now):
    """The previous month's three demands (on time, late, sent back and sent elsewhere) and one of the
    running month left past its deadline; the scheduler's escalation job run as it would have."""
    first_of_month = workdays.local_day(now).replace(day=1)
    # The 8th to 11th of the previous month, whatever day the seed runs.
    start = datetime.combine(first_of_month - timedelta(days=20), time(9, 0), tzinfo=timezone.get_default_timezone())

    def record(text, category, place, organisation, at):
        with acting("grid", user=worker):
            return services.record_demand(worker, grid.pk, text, category, place, organisation.pk, now=at)

    def step(demand, action, at, text=""):
        staff = staff_of(demand.matter.organisation_id)
        with acting("console", user=staff):
            matter_services.take_step(staff, demand.matter.reference, action, text, now=at)

    on_time = record("小区路灯损坏多日，老人夜间出行不便。", "repair", "2栋", station, start)
    step(on_time, "accept", start + timedelta(hours=2))
    step(on_time, "complete", start + timedelta(days=1), "已联系物业更换路灯。")
    late = record("楼上住户长期噪音扰民，多次协商无果，想申请调解。", "neighbours", "5栋", slow, start)
    # Nobody accepted it within two working days: the job sent it to the street's supervisors.
    supervision.escalate_late_matters(start + timedelta(days=5))
    step(late, "accept", start + timedelta(days=5, hours=3))
    step(late, "complete", start + timedelta(days=7), "调解员上门组织双方协商，达成安静公约。")
    returned = record("务工被拖欠工资三个月，想咨询如何讨薪。", "legal", "东院", hrss, start + timedelta(days=1))
    step(returned, "send_back", start + timedelta(days=1, hours=2), "属法律咨询，请转公共法律服务中心。")
    with acting("grid", user=worker):
        elsewhere = services.send_elsewhere(
            worker, returned.matter.reference, centre.pk, now=start + timedelta(days=1, hours=3)
        )
    step(elsewhere, "accept", start + timedelta(days=1, hours=5))
    step(elsewhere, "complete", start + timedelta(days=3), "律师已电话解答，并指导申请劳动仲裁。")
    # Sent ten days ago and never accepted: past its deadline, and escalated.
    record("独居老人想立遗嘱，行动不便，希望律师上门。", "legal", "9栋", slow, now - timedelta(days=10))
    supervision.escalate_late_matters(now)
    return 5


def seed_grid(communities, now=None):
    """Grids, the grid worker, consents, demand desks and demands; how many of each this run created."""
    now = now or timezone.now()
    created = {"grids": seed_grids(communities)}
    worker, created["users"] = seed_worker(communities)
    created["grid consents"] = seed_consents(communities, now)
    created["demand desks"] = seed_demand_desks()
    created["demands"] = seed_demands(worker, communities, now)
    return created
