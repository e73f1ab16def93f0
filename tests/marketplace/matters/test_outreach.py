"""法律九进: an organisation requests a legal lecture from the menu, a provider accepts or declines it,
schedules it as a session of its own (a slot nobody books online) and records it held, with the attendance;
the district sees the figures per street."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from catalog.services import add_offering, create_service
from marketplace.audit.context import acting
from marketplace.audit.models import Action
from marketplace.booking import services as booking
from marketplace.matters import services, staff_reads
from marketplace.matters.models import Matter
from providers import scheduling
from providers.models import Slot
from tests.marketplace.test_no_shop import read

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("daytime")]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def education(sector):
    return sector.add_child(name="法治宣传", slug="legal-education")


@pytest.fixture
def lecture(education, provider):
    service = create_service("法治大讲堂", education, slug="law-lecture", summary="法官、律师用身边案例讲民法典。")
    add_offering(service, provider)
    return service


@pytest.fixture
def anti_fraud(education, other_provider):
    service = create_service("老年人防诈骗法治讲座", education, slug="anti-fraud")
    add_offering(service, other_provider)
    return service


def in_days(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def details(**changes):
    return {
        "service": "law-lecture",
        "organisation_name": "金马社区居委会",
        "venue": "community",
        "contact_name": "刘主任",
        "contact_phone": "13911112222",
        "preferred_date": in_days(10),
        "audience": 40,
        "address": "金马社区市民驿站二楼",
        **changes,
    }


@pytest.fixture
def request_(lecture, resident):
    with acting("web", user=resident):
        return services.submit(resident, "outreach_request", "想听物业纠纷和民法典", details())


def session_start(days=3, hour=14):
    zone = timezone.get_default_timezone()
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour), tzinfo=zone)


def text_of(response):
    return read(response.content.decode())[1]


# --- the menu and the request -------------------------------------------------------------


def test_the_menu_is_public_and_lists_the_legal_education_services(client, lecture, anti_fraud, service):
    response = client.get(reverse("matters:outreach"))
    text = text_of(response)
    assert response.status_code == 200
    assert "法治大讲堂" in text and "老年人防诈骗法治讲座" in text
    assert service.title not in text  # a consultation is no lecture
    assert "进学校" in text and "进网络" in text
    assert f"{reverse('matters:submit', kwargs={'kind': 'outreach_request'})}?service=law-lecture" in (
        response.content.decode()
    )


def test_the_contact_requests_a_topic_on_the_form_and_follows_it_under_my_matters(
    client, lecture, anti_fraud, resident, provider, other_provider
):
    client.force_login(resident)
    url = reverse("matters:submit", kwargs={"kind": "outreach_request"})
    form = client.get(url, {"service": "anti-fraud"})
    assert 'value="anti-fraud" selected' in form.content.decode()

    response = client.post(url, {**details(service="anti-fraud"), "text": "老人多，想讲保健品骗局"})

    matter = Matter.objects.get(applicant=resident)
    assert response.status_code == 302 and matter.reference.startswith("JJ-")
    # The provider offering the topic takes it.
    assert (matter.kind, matter.status, matter.organisation) == ("outreach_request", "submitted", other_provider)
    assert matter.fields["audience"] == 40 and matter.fields["preferred_date"] == in_days(10)
    page = text_of(client.get(response.url))
    assert "Waiting for the provider to accept" in page and "金马社区居委会" in page and "老年人防诈骗法治讲座" in page
    assert "139****2222" in page and "13911112222" not in page
    assert matter.reference in text_of(client.get(reverse("matters:list")))


@pytest.mark.parametrize(
    "changes",
    [
        {"service": "no-such-topic"},
        {"preferred_date": in_days(-1)},
        {"audience": 0},
        {"audience": "很多"},
        {"contact_phone": "12345"},
        {"organisation_name": ""},
    ],
)
def test_a_request_with_bad_details_is_refused_and_creates_nothing(client, lecture, resident, changes):
    client.force_login(resident)
    response = client.post(
        reverse("matters:submit", kwargs={"kind": "outreach_request"}), {**details(**changes), "text": "讲座"}
    )
    assert response.status_code == 200 and not Matter.objects.exists()
    with pytest.raises(services.InvalidInput):
        services.submit(resident, "outreach_request", "讲座", details(**changes))
    assert not Matter.objects.exists()


def test_a_provider_not_offering_the_topic_cannot_be_chosen(lecture, resident, other_provider):
    with pytest.raises(services.InvalidInput):
        services.submit(resident, "outreach_request", "讲座", details(), organisation=other_provider.pk)


# --- the provider's steps -------------------------------------------------------------------


def test_the_provider_accepts_and_only_its_staff_may(request_, staff, other_staff, resident):
    with pytest.raises(services.NotFound):
        services.take_step(other_staff, request_.reference, "accept")
    with pytest.raises(services.StepNotAllowed):
        services.take_step(resident, request_.reference, "accept")
    services.take_step(staff, request_.reference, "accept")
    request_.refresh_from_db()
    assert (request_.status, request_.waits_for) == ("accepted", "staff")


def test_a_provider_passes_it_to_another_offering_the_topic_only(
    client, request_, staff, provider, other_provider, lecture, street
):
    from providers.models import Partner

    elsewhere = Partner.objects.create(name="联盟街道公共法律服务工作站", code="lianmeng-legal", street=street)
    client.force_login(staff)
    page = client.get(reverse("provider:matter", args=[provider.pk, request_.reference])).content.decode()
    assert 'id="step-transfer"' in page and elsewhere.name not in page  # nobody else offers the topic yet
    with pytest.raises(services.InvalidInput):
        services.take_step(staff, request_.reference, "transfer", "律师外出", to=other_provider.pk)
    add_offering(lecture, elsewhere)
    services.take_step(staff, request_.reference, "transfer", "本周律师外出培训", to=elsewhere.pk)
    request_.refresh_from_db()
    assert (request_.organisation, request_.status) == (elsewhere, "submitted")


def test_declining_needs_a_reason_which_the_requester_reads(client, request_, staff, resident):
    with pytest.raises(services.InvalidInput):
        services.take_step(staff, request_.reference, "decline", "")
    services.take_step(staff, request_.reference, "decline", "该日期律师已有庭审，请改约其他日期")
    request_.refresh_from_db()
    assert request_.status == "declined" and request_.is_closed
    client.force_login(resident)
    page = text_of(client.get(reverse("matters:detail", args=[request_.reference])))
    assert "The provider cannot take it" in page and "该日期律师已有庭审" in page


def test_scheduling_makes_a_session_for_the_audience_that_residents_cannot_book(
    request_, staff, other_staff, resident, lecture
):
    with pytest.raises(services.StepNotAllowed):  # not accepted yet
        services.schedule_session(staff, request_.reference, session_start(), 90)
    services.take_step(staff, request_.reference, "accept")
    with pytest.raises(services.NotFound):
        services.schedule_session(other_staff, request_.reference, session_start(), 90)
    with pytest.raises(services.InvalidInput):
        services.schedule_session(staff, request_.reference, session_start(days=-1), 90)

    with acting("console", user=staff):
        matter = services.schedule_session(staff, request_.reference, session_start(), 90)

    slot = matter.session
    assert matter.status == "scheduled"
    assert (slot.offering.product, slot.offering.partner) == (lecture, matter.organisation)
    assert (slot.capacity, slot.online_capacity, slot.is_open) == (40, 0, False)
    assert slot.ends_at - slot.starts_at == timedelta(minutes=90)
    assert not Slot.objects.bookable_alternatives(lecture).filter(pk=slot.pk).exists()
    with pytest.raises(booking.BookingError):
        booking.ensure_bookable(resident, slot)
    # A change of the weekly plans leaves the session be.
    scheduling.regenerate_for_offering(slot.offering)
    assert Slot.objects.filter(pk=slot.pk).exists()
    assert Action.objects.filter(action="session_scheduled", detail__slot=slot.pk).exists()
    assert "14:00" in matter.steps.last().text


def test_the_console_schedules_the_session_and_records_it_held_with_the_attendance(
    client, request_, staff, resident, provider
):
    services.take_step(staff, request_.reference, "accept")
    client.force_login(staff)
    page = client.get(reverse("provider:matter", args=[provider.pk, request_.reference]))
    assert 'id="step-schedule"' in page.content.decode() and 'id="step-held"' not in page.content.decode()

    start = session_start()
    url = reverse("provider:matter-session", args=[provider.pk, request_.reference])
    bad = client.post(url, {"day": start.date().isoformat(), "start": "14:00", "minutes": "5"})
    assert bad.status_code == 400 and Matter.objects.get(pk=request_.pk).status == "accepted"
    response = client.post(url, {"day": start.date().isoformat(), "start": "14:00", "minutes": "120"})
    assert response.status_code == 302
    request_.refresh_from_db()
    assert request_.status == "scheduled" and timezone.localtime(request_.session.starts_at) == start

    held = reverse("provider:matter-held", args=[provider.pk, request_.reference])
    early = client.post(held, {"attendance": "38", "text": "讲了民法典物权编"})
    assert early.status_code == 409 and Matter.objects.get(pk=request_.pk).status == "scheduled"
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        assert client.post(held, {"attendance": "", "text": "讲了"}).status_code == 400
        done = client.post(held, {"attendance": "38", "text": "讲了民法典物权编，现场答疑 12 个问题"})
        assert done.status_code == 302
    request_.refresh_from_db()
    assert (request_.status, request_.attendance, request_.is_closed) == ("held", 38, True)

    client.force_login(resident)
    mine = text_of(client.get(reverse("matters:detail", args=[request_.reference])))
    assert "Session held" in mine and "38" in mine and "现场答疑" in mine


def test_the_requester_may_withdraw_before_the_session_is_scheduled(request_, resident):
    services.take_step(resident, request_.reference, "withdraw")
    request_.refresh_from_db()
    assert request_.status == "withdrawn"


# --- the street's figures ---------------------------------------------------------------------


def test_the_district_sees_requests_sessions_and_attendance_per_street(
    client, admin_user, request_, staff, resident, street
):
    services.submit(resident, "outreach_request", "第二场", details(audience=30))
    services.take_step(staff, request_.reference, "accept")
    start = session_start(days=1)
    services.schedule_session(staff, request_.reference, start, 60)
    services.record_session_held(staff, request_.reference, 35, "讲完了", now=start + timedelta(hours=1))

    (row,) = staff_reads.outreach_by_street()
    assert (row["organisation__street__name"], row["requested"], row["open"], row["held"], row["attendance"]) == (
        street.name,
        2,
        1,
        1,
        35,
    )
    client.force_login(admin_user)
    html = client.get(reverse("operations:matters")).content.decode()
    table = html[html.index('id="outreach-by-street"') :]
    table = table[: table.index("</table>")]
    assert street.name in table and '<td class="text-right outreach-held">1</td>' in table
    assert '<td class="text-right outreach-attendance">35</td>' in table
    # The open request counts among the street's open matters too.
    assert any(r["organisation__street_id"] == street.pk and r["open"] == 1 for r in staff_reads.by_street())
