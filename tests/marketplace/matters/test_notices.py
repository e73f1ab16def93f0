"""What residents, staff and the other party of a mediation read about a matter: in their language, with what
to do next and by which day (the last working day of the deadline, not the midnight after it)."""

import json
from datetime import timedelta

import pytest
import responses
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from marketplace.audit.context import acting
from marketplace.matters import services, workdays
from tests.marketplace.matters.conftest import upload

pytestmark = pytest.mark.django_db

SMS_URL = "https://sms.gateway.test/v1/messages"


@pytest.fixture
def sms(settings):
    settings.SMS_GATEWAY_URL = SMS_URL
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(SMS_URL, json={"id": "msg-1"})
        yield lambda phone: [
            json.loads(call.request.body)["text"] for call in mock.calls if json.loads(call.request.body)["to"] == phone
        ]


def chinese_day(day):
    with translation.override("zh-hans"):
        return date_format(day, "DATE_FORMAT")  # 2026年12月9日 星期三


def mail_to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def test_an_answer_tells_the_resident_what_to_do_and_by_which_day(
    desks, resident, staff, settings, sms, django_capture_on_commit_callbacks
):
    question = services.submit(resident, "legal_question", "老板拖欠工资三个月，怎么办？", {"category": "labour"})
    mail.outbox.clear()
    with acting("console", user=staff), django_capture_on_commit_callbacks(execute=True):
        services.take_step(staff, question.reference, "answer", "可以向劳动人事争议仲裁委员会申请仲裁。")

    [message] = mail_to(resident)
    last_day = workdays.nth_working_day_after(workdays.local_day(timezone.now()), settings.MATTER_QUESTION_RATE_DAYS)
    assert message.subject == f"您的事项 {question.reference}：已答复：请查看答复，可追问一次或进行评价"
    body = message.body
    assert "您的留言咨询（受理编号 " + question.reference + "）有新进展" in body
    assert "拓东街道公共法律服务工作站留言" in body and "可以向劳动人事争议仲裁委员会申请仲裁。" in body
    assert "您需要做的：\n请查看律师的答复。如有不清楚的地方，可以追问一次" in body
    assert f"请于 {chinese_day(last_day)} 前办理。" in body
    # the deadline's midnight belongs to the day before it
    assert chinese_day(last_day + timedelta(days=1)) not in body
    assert f"/matters/{question.reference}/" in body and "12348" in body
    [text] = sms(resident.phone)
    assert text.startswith(f"【盘龙公共服务】您的事项 {question.reference}：已答复")
    assert f"请于 {chinese_day(last_day)} 前办理" in text


def test_a_request_for_materials_reads_in_english_for_a_resident_who_chose_it(
    desks, resident, staff, django_capture_on_commit_callbacks
):
    resident.language = "en"
    resident.save(update_fields=["language"])
    aid = services.submit(
        resident,
        "legal_aid",
        "My employer has not paid me for four months.",
        {"category": "unpaid_wages", "matter": "labour"},
        materials=[("id_card", upload()), ("case_evidence", upload())],
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.take_step(staff, aid.reference, "request_materials", "Please add your pay slips.")

    [message] = mail_to(resident)
    assert message.subject.startswith(f"Your matter {aid.reference}: Waiting for your materials")
    assert "There is news on your Legal aid application" in message.body
    assert "Please add your pay slips." in message.body
    assert "What you need to do:\nAdd the missing materials on your matter's page" in message.body
    assert "Please do it by the end of " in message.body
    assert not any("\u4e00" <= char <= "\u9fff" for char in message.subject)


def test_a_declined_mediation_says_what_else_the_resident_can_do_and_asks_nothing(
    desks, resident, sms, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mediation = services.submit(
            resident,
            "mediation",
            "楼上邻居装修噪音扰民。",
            {"category": "neighbours"},
            other_party={"name": "赵先生", "phone": "13987106612"},
        )
    # the other party is asked once, in Chinese, without the applicant's full name
    [invitation] = sms("13987106612")
    assert "张*" in invitation and "张三" not in invitation
    assert "向拓东街道公共法律服务工作站申请人民调解" in invitation and mediation.reference in invitation
    assert "自愿、免费" in invitation and "/matters/respond/" in invitation
    consent_day = workdays.nth_working_day_after(
        workdays.local_day(mediation.submitted_at), settings.MATTER_MEDIATION_CONSENT_DAYS
    )
    assert f"请于 {chinese_day(consent_day)} 前点击链接答复" in invitation
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.other_party_answer(mediation.pk, False, "不同意调解。")

    [message] = mail_to(resident)
    assert message.subject == f"您的事项 {mediation.reference}：调解未能进行"
    assert "对方当事人留言：\n不同意调解。" in message.body
    assert "人民调解须经双方当事人同意" in message.body and "12348" in message.body
    assert "您需要做的" not in message.body and "前办理" not in message.body


def test_a_transfer_tells_the_resident_nothing_is_needed_and_the_new_organisation_its_day(
    desks, resident, staff, other_provider, make_user, django_capture_on_commit_callbacks
):
    colleague = make_user(email="lawyer@gulou.example", name="赵律师", phone="13700000009")
    other_provider.users.add(colleague)
    question = services.submit(resident, "legal_question", "房东不退押金。", {"category": "housing"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.take_step(staff, question.reference, "transfer", "就近办理", to=other_provider.pk)

    question.refresh_from_db()
    due = chinese_day(workdays.local_day(question.due_at - timedelta(seconds=1)))
    [to_resident] = mail_to(resident)
    assert f"目前您无需操作：鼓楼街道社区卫生服务中心将于 {due} 前办理。" in to_resident.body
    [to_staff] = mail_to(colleague)
    assert to_staff.subject == f"待办理：留言咨询 {question.reference}"
    assert f"请于 {due} 前办理（按法定工作日计算）" in to_staff.body
    assert f"/provider/{other_provider.pk}/" in to_staff.body
