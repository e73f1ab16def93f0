"""The demo's grid demands (demo/grid.py) on a small district: what the index's demands and escalations
components of the previous month are made of. The full seed (test_seed_demo.py) checks the same on the
whole demo; this runs in seconds."""

from datetime import datetime

from django.utils import timezone
from oscar.core.loading import get_model

from demo import grid as demo_grid
from marketplace.grid.models import Demand
from marketplace.matters.models import Escalation
from providers.models import Community, Street
from streetindex.compute import compute_period
from streetindex.periods import month_of

Partner = get_model("partner", "Partner")

# A Wednesday in the middle of a month, so the previous month holds the past demands only.
NOW = timezone.make_aware(datetime(2026, 11, 18, 15, 0))


def test_the_demo_demands_are_on_time_late_sent_back_and_past_their_deadline(make_user):
    tuodong = Street.objects.create(slug="tuodong", name="拓东街道", position=1)
    qingyun = Street.objects.create(slug="qingyun", name="青云街道", position=2)
    lianmeng = Street.objects.create(slug="lianmeng", name="联盟街道", position=3)
    home = Community.objects.create(slug=demo_grid.WORKER_COMMUNITY, name="拓东社区", street=tuodong)
    communities = {home.slug: home}
    for code, street in (
        ("tuodong-legal", tuodong),
        ("district-legal", tuodong),
        ("district-hrss", lianmeng),
        ("qingyun-legal", qingyun),
    ):
        partner = Partner.objects.create(name=code, code=code, street=street)
        partner.users.add(make_user(email=f"{code}@example.com", phone=f"1370000{len(code):04d}"))

    created = demo_grid.seed_grid(communities, now=NOW)

    assert created["demands"] == 7
    statuses = sorted(Demand.objects.values_list("matter__status", flat=True))
    assert statuses == ["dispatched", "dispatched", "done", "done", "done", "done", "returned"]
    late = Escalation.objects.filter(reason=Escalation.Reason.LATE)
    assert set(late.values_list("matter__organisation__code", flat=True)) == {"qingyun-legal"}
    run = compute_period(month_of(NOW.date()).previous(), now=NOW)
    figures = {figure.street.slug: figure for figure in run.figures.filter(level="street").select_related("street")}
    assert figures["tuodong"].demands_on_time == 2  # the station's, and the centre's after the window's
    assert (figures["qingyun"].demands_late, figures["qingyun"].components["demands_on_time"]) == (1, 50)
    assert figures["qingyun"].matters_escalated == 1
    assert figures["lianmeng"].demands_returned == 1
    assert demo_grid.seed_grid(communities, now=NOW)["demands"] == 0  # a re-run adds none
