"""Grids and grid workers (issue 22 item 1): who sees whom, consent, booking for a resident, demands."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.audit.models import Access, Action
from marketplace.booking import services as booking_services
from marketplace.booking.models import Booking
from marketplace.grid import services
from marketplace.matters import services as matter_services
from marketplace.matters.models import Matter
from tests.marketplace.matters.conftest import PNG, upload

pytestmark = pytest.mark.usefixtures("daytime")


def login(client, user, language="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


# Who may use the grid worker's pages


def test_the_grid_worker_sees_their_grids_in_chinese(client, worker, grid, other_grid):
    page = login(client, worker).get("/grid/").content.decode()

    assert "第一网格" in page and "1栋、2栋、3栋" in page and "记录诉求" in page
    assert "第二网格" not in page


def test_another_grid_is_refused_to_a_grid_worker(client, worker, other_grid):
    login(client, worker)

    assert client.get(f"/grid/grids/{other_grid.pk}/").status_code == 404
    assert client.get(f"/grid/grids/{other_grid.pk}/demand/").status_code == 404


@pytest.mark.parametrize("who", ["resident", "staff"])
def test_residents_and_provider_staff_are_refused(client, resident, staff, grid, who):
    login(client, resident if who == "resident" else staff)

    assert client.get("/grid/").status_code == 403
    assert client.get(f"/grid/grids/{grid.pk}/").status_code == 403


def test_an_inactive_grid_worker_is_refused(client, worker, grid):
    worker.grid_worker.is_active = False
    worker.grid_worker.save()

    assert login(client, worker).get("/grid/").status_code == 403


# Consent


def test_a_resident_who_did_not_agree_is_invisible(client, worker, grid, resident, community):
    resident.home_community = community
    resident.save()

    page = login(client, worker).get(f"/grid/grids/{grid.pk}/").content.decode()

    assert resident.name not in page
    with pytest.raises(services.NotFound):
        services.resident(worker, resident.pk)


def test_a_consenting_resident_is_seen_with_a_masked_phone_and_the_read_is_recorded(client, worker, grid, neighbour):
    page = login(client, worker).get(f"/grid/grids/{grid.pk}/").content.decode()

    assert neighbour.name in page and neighbour.masked_phone in page and "2栋" in page
    assert neighbour.phone not in page
    (read,) = Access.objects.filter(person=neighbour, what=Access.What.GRID_RESIDENTS)
    assert read.viewer == worker


def test_the_grid_worker_of_another_grid_does_not_see_them(client, other_worker, other_grid, neighbour):
    page = login(client, other_worker).get(f"/grid/grids/{other_grid.pk}/").content.decode()

    assert neighbour.name not in page
    assert login(client, other_worker).get(f"/grid/residents/{neighbour.pk}/book/").status_code == 404


def test_the_resident_agrees_and_withdraws_on_their_my_data_page(client, worker, grid, resident, community):
    resident.home_community = community
    resident.save()
    login(client, resident)

    page = client.get("/shop/accounts/my-data/").content.decode()
    assert "第一网格（1栋、2栋、3栋）" in page
    response = client.post("/shop/accounts/my-data/grid/", {"grid": grid.pk, "building": "3栋"})
    assert response.status_code == 302
    assert resident.grid_membership.consents and resident.grid_membership.consented_at is not None
    assert resident.name in login(client, worker).get(f"/grid/grids/{grid.pk}/").content.decode()

    login(client, resident)
    assert "撤回同意" in client.get("/shop/accounts/my-data/").content.decode()
    client.post("/shop/accounts/my-data/grid/withdraw/")

    resident.grid_membership.refresh_from_db()
    assert resident.grid_membership.withdrawn_at is not None
    assert resident.name not in login(client, worker).get(f"/grid/grids/{grid.pk}/").content.decode()
    assert login(client, worker).get(f"/grid/residents/{resident.pk}/book/").status_code == 404
    codes = list(Action.objects.filter(person=resident).values_list("action", flat=True))
    assert Action.Code.GRID_CONSENT_GIVEN in codes and Action.Code.GRID_CONSENT_WITHDRAWN in codes


def test_a_grid_of_another_community_cannot_be_chosen(client, resident, grid):
    # No home community: none of the grids is theirs to choose.
    login(client, resident).post("/shop/accounts/my-data/grid/", {"grid": grid.pk})

    assert not hasattr(resident, "grid_membership") or resident.grid_membership is None
    with pytest.raises(services.InvalidInput):
        services.agree(resident, grid.pk)


# Booking for a resident


@pytest.fixture
def grid_slot(make_slot, offering):
    return make_slot(offering, starts_in=timedelta(days=1), capacity=2, counter_capacity=1)


def test_the_grid_worker_books_for_a_consenting_resident_with_their_consent(
    client, worker, neighbour, grid_slot, sms, django_capture_on_commit_callbacks
):
    login(client, worker)
    assert (
        grid_slot.offering.product.title
        in client.get(f"/grid/residents/{neighbour.pk}/book/?q={grid_slot.offering.product.title}").content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/grid/residents/{neighbour.pk}/book/",
            {"offering": grid_slot.offering.pk, "slot": grid_slot.pk, "consent": "on"},
        )

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.user, booking.channel, booking.booked_by) == (neighbour, Booking.Channel.GRID, worker)
    assert booking.consent_at is not None
    placed = Action.objects.get(booking_code=booking.code, action=Action.Code.PLACED)
    assert (placed.door, placed.actor) == ("grid", worker)
    assert booking.code in sms.to(neighbour.phone)[0]


def test_without_consent_nothing_is_booked(client, worker, neighbour, grid_slot):
    response = login(client, worker).post(
        f"/grid/residents/{neighbour.pk}/book/", {"offering": grid_slot.offering.pk, "slot": grid_slot.pk}
    )

    assert response.status_code == 400
    assert not Booking.objects.exists()


def book_page(client, resident, slot):
    day = f"{timezone.localtime(slot.starts_at):%Y-%m-%d}"
    return client.get(f"/grid/residents/{resident.pk}/book/?offering={slot.offering.pk}&date={day}").content.decode()


def test_the_grid_worker_books_a_service_offered_both_ways_online(client, worker, neighbour, grid_slot, service):
    service.mode = service.Mode.BOTH
    service.save()
    login(client, worker)
    assert 'name="mode" id="id_mode_1" value="online"' in book_page(client, neighbour, grid_slot)

    response = client.post(
        f"/grid/residents/{neighbour.pk}/book/",
        {"offering": grid_slot.offering.pk, "slot": grid_slot.pk, "consent": "on", "mode": "online"},
    )

    assert response.status_code == 302
    assert Booking.objects.get().mode == "online"


def test_online_is_refused_to_the_grid_worker_for_a_service_given_only_on_site(client, worker, neighbour, grid_slot):
    login(client, worker)
    assert 'name="mode"' not in book_page(client, neighbour, grid_slot)

    response = client.post(
        f"/grid/residents/{neighbour.pk}/book/",
        {"offering": grid_slot.offering.pk, "slot": grid_slot.pk, "consent": "on", "mode": "online"},
    )

    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_the_grid_worker_declares_the_group_the_resident_belongs_to(client, worker, neighbour, grid_slot, service):
    from catalog.models import EligibilityRule

    EligibilityRule.objects.create(service=service, kind="group", group="低保", evidence="低保证")
    login(client, worker)
    page = book_page(client, neighbour, grid_slot)
    assert "低保证" in page and "居民" in page
    wanted = {"offering": grid_slot.offering.pk, "slot": grid_slot.pk, "consent": "on"}

    refused = client.post(f"/grid/residents/{neighbour.pk}/book/", wanted)
    assert refused.status_code == 409
    assert not Booking.objects.exists()

    assert client.post(f"/grid/residents/{neighbour.pk}/book/", {**wanted, "group": "低保"}).status_code == 302
    assert (Booking.objects.get().declared_group, Booking.objects.get().evidence) == ("低保", "低保证")


def test_the_service_books_only_for_a_consenting_resident_of_the_workers_grids(
    worker, other_worker, neighbour, other_resident, operator_like, grid_slot
):
    with pytest.raises(services.NotFound):
        services.book(other_worker, neighbour.pk, grid_slot.pk, True)
    with pytest.raises(services.NotFound):
        services.book(worker, other_resident.pk, grid_slot.pk, True)
    with pytest.raises(services.NotGridWorker):
        services.book(operator_like, neighbour.pk, grid_slot.pk, True)
    with pytest.raises(booking_services.ConsentMissing):
        services.book(worker, neighbour.pk, grid_slot.pk, False)
    assert not Booking.objects.exists()


def test_booking_for_a_resident_is_only_through_the_hotline_or_the_grid(worker, neighbour, grid_slot):
    with pytest.raises(booking_services.NotOperator):
        booking_services.book_for_resident(worker, Booking.Channel.ONLINE, grid_slot.pk, neighbour, True)
    assert not Booking.objects.exists()


@pytest.fixture
def operator_like(staff):
    return staff


# Demands


def record(client, grid, organisation, **extra):
    data = {
        "text": "楼道灯坏了，老人晚上下楼看不见",
        "category": "repair",
        "place": "2栋",
        "organisation": organisation.pk,
        **extra,
    }
    return client.post(f"/grid/grids/{grid.pk}/demand/", data)


def test_a_demands_life_recorded_accepted_and_closed_seen_by_the_resident_and_the_grid_worker(
    client, worker, neighbour, grid, demand_desks, provider, staff, django_capture_on_commit_callbacks
):
    login(client, worker)
    photo = upload(PNG, "light.png")
    response = record(client, grid, provider, resident=neighbour.pk, photos=photo)
    assert response.status_code == 302, response.content.decode()[:800]

    matter = Matter.objects.get()
    assert (matter.kind, matter.channel, matter.applicant, matter.organisation) == (
        "demand",
        Matter.Channel.GRID,
        neighbour,
        provider,
    )
    assert matter.reference.startswith("SQ-") and matter.status == "dispatched" and matter.due_at is not None
    assert matter.fields == {"category": "repair", "place": "2栋"}
    assert matter.materials.get().kind == "photo"
    assert matter.demand.grid == grid and matter.demand.worker == worker
    recorded = Action.objects.get(action=Action.Code.DEMAND_RECORDED)
    assert (recorded.door, recorded.actor) == ("grid", worker)
    assert "等待接收" in client.get(response["Location"]).content.decode()

    # The organisation handles it in its console's matter queue.
    login(client, staff)
    assert matter.reference in client.get(f"/provider/{provider.pk}/matters/").content.decode()
    detail = client.get(f"/provider/{provider.pk}/matters/{matter.reference}/").content.decode()
    assert "楼道灯坏了" in detail and "2栋" in detail and "接收诉求" in detail and "退回" in detail
    client.post(f"/provider/{provider.pk}/matters/{matter.reference}/steps/", {"action": "accept"})
    client.post(
        f"/provider/{provider.pk}/matters/{matter.reference}/steps/",
        {"action": "complete", "text": "已更换楼道灯 3 盏", "confirmed": "yes"},
    )
    matter.refresh_from_db()
    assert matter.status == "done" and matter.is_closed

    page = login(client, worker).get(f"/grid/demands/{matter.reference}/").content.decode()
    assert "已更换楼道灯 3 盏" in page and "已办结" in page
    assert Access.objects.filter(viewer=worker, person=neighbour, what=Access.What.GRID_DEMAND).exists()
    mine = login(client, neighbour).get(f"/matters/{matter.reference}/").content.decode()
    assert "已更换楼道灯 3 盏" in mine


def test_a_demand_sent_back_with_a_reason(worker, grid, demand_desks, provider, staff):
    demand = services.record_demand(worker, grid.pk, "小区门口占道经营", "environment", "东门", provider.pk)
    matter = demand.matter
    # Nobody named: the grid worker is the applicant and sees it among their own matters too.
    assert matter.applicant == worker

    with pytest.raises(matter_services.InvalidInput):
        matter_services.take_step(staff, matter.reference, "send_back", text="")
    matter_services.take_step(staff, matter.reference, "send_back", text="不属于本单位职责，请转城管")

    matter.refresh_from_db()
    assert matter.status == "returned" and matter.is_closed
    found, timeline = services.demand(worker, matter.reference)
    assert timeline[-1]["text"] == "不属于本单位职责，请转城管"
    with pytest.raises(matter_services.StepNotAllowed):
        matter_services.take_step(staff, matter.reference, "complete", text="")


def test_the_grid_worker_sends_a_demand_sent_back_elsewhere(
    client, worker, neighbour, grid, demand_desks, provider, other_provider, staff
):
    first = services.record_demand(worker, grid.pk, "楼下噪音扰民", "neighbours", "2栋", provider.pk, neighbour.pk)
    reference = first.matter.reference
    login(client, worker)
    assert client.post(f"/grid/demands/{reference}/elsewhere/", {"organisation": other_provider.pk}).status_code == 302
    assert Matter.objects.count() == 1  # not sent back: it stays where it is
    matter_services.take_step(staff, reference, "send_back", text="请找社区调解")

    page = client.get(f"/grid/demands/{reference}/").content.decode()
    assert "改派给其他单位" in page and "请找社区调解" in page
    response = client.post(f"/grid/demands/{reference}/elsewhere/", {"organisation": other_provider.pk})

    second = Matter.objects.exclude(pk=first.matter_id).get()
    assert response["Location"] == f"/grid/demands/{second.reference}/"
    assert (second.organisation, second.applicant, second.status) == (other_provider, neighbour, "dispatched")
    assert reference in second.text and "已被" in second.text
    assert second.fields == first.matter.fields and second.demand.grid == grid


def test_a_demand_is_refused_whole_on_bad_input(client, worker, grid, other_resident, demand_desks, provider):
    login(client, worker)

    assert record(client, grid, provider, text="").status_code == 400
    assert record(client, grid, provider, category="nonsense").status_code == 400
    assert record(client, grid, provider, resident=other_resident.pk).status_code == 400
    with pytest.raises(services.InvalidInput):
        services.record_demand(worker, grid.pk, "x", "repair", "2栋", provider.pk, resident_id=other_resident.pk)
    with pytest.raises(matter_services.InvalidInput):
        services.record_demand(worker, grid.pk, "x", "repair", "", provider.pk)
    assert not Matter.objects.exists()


def test_a_resident_cannot_submit_a_demand_themselves(resident, demand_desks):
    with pytest.raises(matter_services.UnknownType):
        matter_services.submit(resident, "demand", "x", fields={"category": "repair", "place": "1栋"})


def test_another_grid_workers_demand_is_none_of_theirs(worker, other_worker, grid, demand_desks, provider):
    demand = services.record_demand(worker, grid.pk, "井盖松动", "safety", "3栋", provider.pk)

    with pytest.raises(services.NotFound):
        services.demand(other_worker, demand.matter.reference)
    assert services.demands(other_worker) == []


def test_the_resident_sees_their_grid_worker_among_who_has_seen_their_data(client, worker, grid, neighbour):
    login(client, worker).get(f"/grid/grids/{grid.pk}/")

    page = login(client, neighbour).get("/shop/accounts/seen-my-data/").content.decode()
    assert "您的网格员" in page and "网格员查看了网格居民名单" in page


def test_a_grid_worker_signs_in_to_their_grids(client, worker):
    from django.urls import reverse

    from tests.conftest import PASSWORD

    response = client.post(
        reverse("customer:login"),
        {"login_submit": "1", "login-username": worker.email, "login-password": PASSWORD},
    )

    assert response.status_code == 302 and response["Location"] == "/grid/"


def test_a_deleted_account_leaves_no_grid_behind(client, worker, grid, neighbour):
    from marketplace.grid.models import GridResident
    from marketplace.users import services as user_services
    from tests.conftest import PASSWORD

    name = neighbour.name
    user_services.delete_account(neighbour, PASSWORD)

    assert not GridResident.objects.filter(user=neighbour).exists()
    assert name not in login(client, worker).get(f"/grid/grids/{grid.pk}/").content.decode()


def test_administrators_edit_grids_and_grid_workers_in_the_admin(client, admin_user, grid, worker):
    client.force_login(admin_user)

    for address in (
        "/django-admin/grid/grid/",
        "/django-admin/grid/grid/add/",
        f"/django-admin/grid/grid/{grid.pk}/change/",
        "/django-admin/grid/gridworker/",
        f"/django-admin/grid/gridworker/{worker.grid_worker.pk}/change/",
    ):
        assert client.get(address).status_code == 200, address
    response = client.post(
        "/django-admin/grid/grid/add/",
        {"community": grid.community_id, "number": 3, "name": "第三网格", "buildings": "10栋\n11栋"},
    )
    assert response.status_code == 302
    assert grid.community.grids.get(number=3).building_list == ["10栋", "11栋"]
