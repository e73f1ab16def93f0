"""The supervisor's pages (督办), the console's flag on an escalated matter, the district's per-street counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.matters import services, supervision
from marketplace.matters.models import Escalation, Supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_supervisor(make_user, street):
    user = make_user(email="supervisor@tuodong.example", name="李督办", phone="13700000011")
    Supervisor.objects.create(user=user, street=street)
    return user


@pytest.fixture
def escalated(desks, resident, street_supervisor):
    late = services.submit(
        resident, "legal_question", "老板拖欠工资", {"category": "labour"}, now=timezone.now() - timedelta(days=40)
    )
    supervision.escalate_late_matters()
    return Escalation.objects.get(matter=late)


def test_the_supervisor_reads_the_queue_and_the_matter_in_chinese(client, escalated, street_supervisor):
    client.force_login(street_supervisor)

    queue = client.get(reverse("supervision:queue"))
    page = client.get(reverse("supervision:detail", kwargs={"escalation_id": escalated.pk}))

    assert queue.status_code == page.status_code == 200
    assert escalated.matter.reference in queue.content.decode() and "督办" in queue.content.decode()
    body = page.content.decode()
    assert "设定新的期限" in body or 'id="deadline-form"' in body
    assert 'id="reassign-form"' in body and 'id="finding-form"' in body
    assert "13812345678" not in body  # the applicant's phone is masked


def test_a_bad_finding_answers_400_and_changes_nothing(client, escalated, street_supervisor):
    client.force_login(street_supervisor)

    response = client.post(reverse("supervision:finding", kwargs={"escalation_id": escalated.pk}), {"finding": " "})

    assert response.status_code == 400 and 'id="finding-error"' in response.content.decode()
    assert Escalation.objects.get(pk=escalated.pk).closed_at is None


def test_the_supervisor_closes_with_a_finding_from_the_page(client, escalated, street_supervisor):
    client.force_login(street_supervisor)

    response = client.post(
        reverse("supervision:finding", kwargs={"escalation_id": escalated.pk}), {"finding": "已督促办结"}
    )

    assert response.status_code == 302
    escalated.refresh_from_db()
    assert escalated.outcome == "finding" and escalated.matter.status == "closed_by_supervisor"


def test_another_streets_supervisor_finds_nothing(client, escalated, make_user):
    from providers.models import Street

    other = make_user(email="supervisor@gulou.example", name="周督办", phone="13700000013")
    Supervisor.objects.create(user=other, street=Street.objects.create(slug="gulou", name="鼓楼街道", position=2))
    client.force_login(other)

    assert client.get(reverse("supervision:detail", kwargs={"escalation_id": escalated.pk})).status_code == 404
    assert escalated.matter.reference not in client.get(reverse("supervision:queue")).content.decode()


def test_the_console_flags_an_escalated_matter(client, escalated, staff, provider):
    client.force_login(staff)

    queue = client.get(reverse("provider:matters", kwargs={"partner_id": provider.pk})).content.decode()
    page = client.get(
        reverse("provider:matter", kwargs={"partner_id": provider.pk, "reference": escalated.matter.reference})
    ).content.decode()

    assert "matter-escalated" in queue
    assert 'id="matter-escalation"' in page


def test_the_district_page_counts_escalated_matters_per_street(client, escalated, admin_user, street):
    client.force_login(admin_user)

    body = client.get(reverse("operations:matters")).content.decode()

    assert 'class="text-right matter-escalated-count">1<' in body


def test_a_supervisor_signs_in_to_their_queue(client, street_supervisor):
    from tests.conftest import PASSWORD

    response = client.post(
        reverse("customer:login"),
        {"login_submit": "1", "login-username": street_supervisor.email, "login-password": PASSWORD},
    )

    assert response.status_code == 302 and response["Location"] == "/supervision/"
