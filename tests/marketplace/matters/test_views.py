"""The resident's pages of matters: applying for each kind, a matter's page and its steps, files,
the other party's answer and the public progress lookup."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from marketplace.audit.models import Access
from marketplace.matters import services, tasks
from marketplace.matters.models import Matter
from marketplace.users.services import add_dependant
from tests.marketplace.matters.conftest import PDF, PNG, upload
from tests.marketplace.test_no_shop import problems_on, read

pytestmark = pytest.mark.django_db

QUESTION = {"category": "labour"}


@pytest.fixture(autouse=True)
def english(client):
    """The pages in English, so the assertions read the same before and after the Chinese translations."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


@pytest.fixture
def question(desks, resident):
    return services.submit(resident, "legal_question", "老板拖欠工资三个月，怎么办？", QUESTION)


@pytest.fixture
def mediation(desks, resident):
    return services.submit(
        resident,
        "mediation",
        "楼上漏水，我家天花板坏了",
        {"category": "neighbours"},
        other_party={"name": "李四", "phone": "13900001111"},
    )


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def page_text(response):
    return read(response.content.decode())[1]


# --- applying ------------------------------------------------------------------------------


def test_the_new_matter_page_offers_the_kinds_a_resident_applies_for_and_the_progress_lookup(signed_in, desks):
    response = signed_in.get(reverse("matters:new"))
    text = page_text(response)
    for code in ("legal_question", "mediation", "legal_aid"):
        assert reverse("matters:submit", kwargs={"kind": code}) in response.content.decode()
    assert reverse("matters:submit", kwargs={"kind": "follow_up"}) not in response.content.decode()
    assert "Ask a lawyer in writing" in text
    assert reverse("matters:progress") in response.content.decode()
    assert signed_in.get(reverse("matters:submit", kwargs={"kind": "follow_up"})).status_code == 404


def test_a_question_asked_on_the_page_gets_a_reference_to_keep(signed_in, desks, resident, provider, other_provider):
    form = signed_in.get(reverse("matters:submit", kwargs={"kind": "legal_question"}))
    html = form.content.decode()
    # Both organisations taking questions are offered, the default one chosen.
    assert other_provider.name in html and f'value="{provider.pk}" selected' in html

    response = signed_in.post(
        reverse("matters:submit", kwargs={"kind": "legal_question"}),
        {
            "category": "labour",
            "text": "老板拖欠工资怎么办？",
            "organisation": provider.pk,
            "material_document": upload(),
        },
    )
    matter = Matter.objects.get(applicant=resident)
    assert response.status_code == 302 and response.url == reverse("matters:detail", args=[matter.reference])
    assert any(matter.reference in message for message in said(response))
    assert (matter.kind, matter.status, matter.fields, matter.organisation) == (
        "legal_question",
        "submitted",
        QUESTION,
        provider,
    )
    assert matter.materials.get().name == "evidence.pdf"

    page = signed_in.get(response.url)
    text = page_text(page)
    assert "Waiting for the lawyer's answer" in text and "Work and wages" in text and "老板拖欠工资怎么办？" in text


def test_a_question_for_a_dependant(signed_in, desks, resident):
    mother = add_dependant(resident, "王秀英", "parent")
    response = signed_in.post(
        reverse("matters:submit", kwargs={"kind": "legal_question"}),
        {"category": "family", "text": "遗产怎么分？", "dependant": mother.pk},
    )
    assert response.status_code == 302
    assert Matter.objects.get().dependant == mother


def test_a_refused_submission_shows_why_and_creates_nothing(signed_in, desks):
    url = reverse("matters:submit", kwargs={"kind": "legal_question"})
    response = signed_in.post(url, {"category": "labour", "text": ""})
    assert response.status_code == 200 and "Please write Your question." in page_text(response)
    response = signed_in.post(url, {"category": "", "text": "问题"})
    assert "Please answer: What it is about." in page_text(response)
    response = signed_in.post(
        url, {"category": "labour", "text": "问题", "material_document": upload(b"MZ\x90\x00 a program", "x.pdf")}
    )
    assert "Upload a PDF or a photo" in page_text(response)
    assert not Matter.objects.exists()


def test_a_mediation_names_the_other_party_who_is_asked_by_text(signed_in, desks, resident):
    url = reverse("matters:submit", kwargs={"kind": "mediation"})
    assert "The other party&#x27;s mobile number" in signed_in.get(url).content.decode()
    wrong = signed_in.post(
        url, {"category": "neighbours", "text": "漏水", "other_party_name": "李四", "other_party_phone": "12345"}
    )
    assert "mainland mobile number of 11 digits" in page_text(wrong) and not Matter.objects.exists()

    response = signed_in.post(
        url,
        {
            "category": "neighbours",
            "text": "漏水",
            "other_party_name": "李四",
            "other_party_phone": "13900001111",
            "material_evidence": [upload(), upload(PNG, "photo.png")],
        },
    )
    matter = Matter.objects.get()
    assert response.status_code == 302
    assert (matter.status, matter.other_party_name, matter.other_party_phone) == (
        "awaiting_other_party",
        "李四",
        "13900001111",
    )
    assert sorted(matter.materials.values_list("name", flat=True)) == ["evidence.pdf", "photo.png"]


def test_legal_aid_asks_first_whether_it_is_open_to_the_applicant(signed_in, desks):
    url = reverse("matters:submit", kwargs={"kind": "legal_aid"})
    screen = signed_in.get(url)
    assert 'id="aid-screen"' in screen.content.decode() and 'id="matter-form"' not in screen.content.decode()
    assert "I receive minimum living allowance" in page_text(screen)

    refused = signed_in.get(url, {"category": "none"})
    text = page_text(refused)
    assert "legal aid is not available to you" in text and "12348" in text
    assert 'id="matter-form"' not in refused.content.decode()
    assert reverse("matters:submit", kwargs={"kind": "legal_question"}) in refused.content.decode()
    # Posting around the screen does not get an application in either.
    signed_in.post(url, {"category": "none", "matter": "labour", "text": "帮帮我"})
    assert not Matter.objects.exists()

    open_to_them = signed_in.get(url, {"category": "subsistence"})
    text = page_text(open_to_them)
    assert "You may apply. Bring your ID card and the proof of hardship." in text
    assert "ID card (both sides)" in text and "Proof of hardship" in text
    assert 'id="matter-form"' in open_to_them.content.decode()


def test_a_legal_aid_application_with_its_materials_is_received_and_one_without_waits(signed_in, desks, resident):
    url = reverse("matters:submit", kwargs={"kind": "legal_aid"})
    complete = signed_in.post(
        url,
        {
            "category": "subsistence",
            "matter": "labour",
            "text": "工伤赔偿",
            "material_id_card": upload(PNG, "id.png"),
            "material_hardship_proof": upload(),
        },
    )
    assert complete.status_code == 302
    assert Matter.objects.get().status == "submitted"

    signed_in.post(url, {"category": "unpaid_wages", "matter": "labour", "text": "欠薪"})
    waiting = Matter.objects.order_by("-pk").first()
    assert waiting.status == "awaiting_materials"
    page = page_text(signed_in.get(reverse("matters:detail", args=[waiting.reference])))
    assert "Still missing:" in page and "ID card (both sides)" in page

    # Adding what was missing completes it: the centre's 7 working days start.
    signed_in.post(
        reverse("matters:add-material", args=[waiting.reference]), {"kind": "id_card", "file": upload(PNG, "id.png")}
    )
    signed_in.post(
        reverse("matters:add-material", args=[waiting.reference]), {"kind": "case_evidence", "file": upload()}
    )
    waiting.refresh_from_db()
    assert waiting.status == "submitted"


# --- my matters and a matter's page ---------------------------------------------------------------


def test_my_matters_lists_mine_newest_first_and_is_linked_from_my_pages(signed_in, question, mediation, other_resident):
    services.submit(other_resident, "legal_question", "别人的问题", QUESTION)
    response = signed_in.get(reverse("matters:list"))
    html = response.content.decode()
    assert html.index(mediation.reference) < html.index(question.reference)
    assert Matter.objects.filter(applicant=other_resident).get().reference not in html
    assert "Waiting for the other party to agree to mediation" in page_text(response)
    assert reverse("matters:list") in signed_in.get(reverse("my-bookings")).content.decode()


def test_the_list_says_when_it_is_the_residents_turn(signed_in, question, staff):
    services.take_step(staff, question.reference, "answer", "可以申请劳动仲裁。")
    assert "Your turn, by" in page_text(signed_in.get(reverse("matters:list")))


def test_someone_elses_matter_is_not_found(client, question, other_resident):
    client.force_login(other_resident)
    assert client.get(reverse("matters:detail", args=[question.reference])).status_code == 404
    assert client.post(reverse("matters:step", args=[question.reference]), {"action": "withdraw"}).status_code == 404
    assert (
        client.post(
            reverse("matters:add-material", args=[question.reference]), {"kind": "document", "file": upload()}
        ).status_code
        == 404
    )
    question.refresh_from_db()
    assert question.status == "submitted" and not question.materials.exists()


def test_the_answer_can_be_followed_up_once_then_rated(signed_in, question, staff):
    detail = reverse("matters:detail", args=[question.reference])
    step = reverse("matters:step", args=[question.reference])
    services.take_step(staff, question.reference, "answer", "可以申请劳动仲裁。")
    page = signed_in.get(detail).content.decode()
    assert 'id="step-follow_up"' in page and 'id="step-rate"' in page and "可以申请劳动仲裁。" in page

    signed_in.post(step, {"action": "follow_up", "text": "需要什么材料？"})
    services.take_step(staff, question.reference, "answer", "劳动合同和工资条。")
    page = signed_in.get(detail).content.decode()
    assert 'id="step-follow_up"' not in page and 'id="step-rate"' in page

    again = signed_in.post(step, {"action": "follow_up", "text": "还有一个问题"})
    assert any("already asked your follow-up" in message for message in said(again))
    question.refresh_from_db()
    assert question.follow_ups == 1

    signed_in.post(step, {"action": "rate", "stars": "4", "text": "很有帮助"})
    question.refresh_from_db()
    assert (question.status, question.stars) == ("closed", 4)
    page = signed_in.get(detail)
    assert 'id="matter-steps"' not in page.content.decode() and "4 stars" in page_text(page)


def test_a_rating_needs_its_stars(signed_in, question, staff):
    services.take_step(staff, question.reference, "answer", "答复")
    signed_in.post(reverse("matters:step", args=[question.reference]), {"action": "rate"})
    question.refresh_from_db()
    assert question.status == "answered" and question.stars is None


def test_withdrawing_asks_first(signed_in, question):
    step = reverse("matters:step", args=[question.reference])
    asked = signed_in.post(step, {"action": "withdraw", "text": "已经解决"})
    assert asked.status_code == 200 and "It cannot be reopened" in page_text(asked)
    question.refresh_from_db()
    assert question.status == "submitted"

    signed_in.post(step, {"action": "withdraw", "text": "已经解决", "confirmed": "on"})
    question.refresh_from_db()
    assert question.status == "withdrawn" and question.is_closed
    page = signed_in.get(reverse("matters:detail", args=[question.reference])).content.decode()
    assert 'id="step-withdraw"' not in page and 'id="add-material"' not in page


def test_an_agreement_shows_how_to_have_it_confirmed_by_the_court(signed_in, mediation, staff):
    services.other_party_answer(mediation.pk, accept=True)
    services.add_material(staff, mediation.reference, "agreement", upload())
    services.take_step(staff, mediation.reference, "agree", "赔偿 2000 元")
    text = page_text(signed_in.get(reverse("matters:detail", args=[mediation.reference])))
    assert "Agreement reached" in text and "司法确认" in text and "赔偿 2000 元" in text


# --- files ----------------------------------------------------------------------------------------


def test_a_material_is_downloaded_by_those_who_may_read_the_matter_and_staff_reads_are_recorded(
    client, question, resident, staff, other_resident, admin_user
):
    material = services.add_material(resident, question.reference, "document", upload())
    url = reverse("matters:material", args=[material.pk])

    client.force_login(resident)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment") and "evidence.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not Access.objects.exists()  # the applicant reading their own file is no one else seeing it

    client.force_login(other_resident)
    assert client.get(url).status_code == 404
    assert client.get(reverse("matters:material", args=[material.pk + 1000])).status_code == 404

    client.force_login(staff)
    assert client.get(url).status_code == 200
    seen = Access.objects.get()
    assert (seen.person, seen.what, seen.matter_reference) == (resident, "matter_material", question.reference)

    # The district's supervisors may download it too, as the district.
    client.force_login(admin_user)
    assert client.get(url).status_code == 200

    # "Who has seen my data" shows the matter's reference, linked to its page, and who read it.
    client.force_login(resident)
    log = client.get(reverse("access-log"))
    assert reverse("matters:detail", args=[question.reference]) in log.content.decode()
    assert question.organisation.name in page_text(log) and "District administration" in page_text(log)


def test_a_material_added_on_the_page(signed_in, question):
    response = signed_in.post(
        reverse("matters:add-material", args=[question.reference]), {"kind": "document", "file": upload(PNG, "p.png")}
    )
    assert response.status_code == 302 and question.materials.get().content_type == "image/png"
    refused = signed_in.post(
        reverse("matters:add-material", args=[question.reference]),
        {"kind": "document", "file": upload(b"just text", "x.pdf")},
    )
    assert any("Upload a PDF or a photo" in message for message in said(refused))
    assert question.materials.count() == 1


# --- the other party --------------------------------------------------------------------------------


def test_the_other_party_sees_who_asks_but_nothing_personal_and_agrees(client, mediation, resident):
    url = reverse("matters:respond", args=[tasks.other_party_token(mediation)])
    page = client.get(url)
    text = page_text(page)
    assert page.status_code == 200
    assert resident.masked_name in text and mediation.organisation.name in text and "Between neighbours" in text
    assert resident.name not in text and "天花板" not in text and resident.phone not in page.content.decode()
    seen = Access.objects.get()
    assert (seen.person, seen.what, seen.matter_reference, seen.viewer) == (
        resident,
        "matter_other_party",
        mediation.reference,
        None,
    )

    answered = client.post(url, {"answer": "accept"})
    assert answered.status_code == 302
    mediation.refresh_from_db()
    assert mediation.status == "in_mediation"
    again = client.get(url)
    assert "You have agreed to mediation" in page_text(again) and 'id="respond"' not in again.content.decode()
    assert Access.objects.count() == 2  # one per reading

    client.force_login(resident)
    log = page_text(client.get(reverse("access-log")))
    assert "The other party of your mediation" in log and mediation.reference in log


def test_the_other_party_may_decline_with_a_reason(client, mediation):
    url = reverse("matters:respond", args=[tasks.other_party_token(mediation)])
    client.post(url, {"answer": "decline", "reason": "不想调解"})
    mediation.refresh_from_db()
    assert mediation.status == "refused"
    assert mediation.steps.get(action="decline").text == "不想调解"
    assert "already been answered" in page_text(client.get(url))
    client.post(url, {"answer": "accept"})
    mediation.refresh_from_db()
    assert mediation.status == "refused"


def test_a_bad_link_finds_nothing(client, mediation, question):
    assert client.get(reverse("matters:respond", args=["not-a-token"])).status_code == 404
    # A token made for another matter that is not a mediation (or tampered with) is no invitation.
    assert client.get(reverse("matters:respond", args=[tasks.other_party_token(question)])).status_code == 404
    assert not Access.objects.exists()


# --- the public progress lookup -----------------------------------------------------------------------


def test_the_progress_lookup_shows_status_and_dates_only(client, question, resident):
    url = reverse("matters:progress")
    response = client.post(url, {"reference": question.reference.lower(), "phone_last4": resident.phone[-4:]})
    text = page_text(response)
    assert "Waiting for the lawyer's answer" in text and "Next step due by" in text
    assert "老板" not in text and resident.name not in text

    wrong = client.post(url, {"reference": question.reference, "phone_last4": "0000"})
    assert "No matter matches" in page_text(wrong) and 'id="progress-result"' not in wrong.content.decode()


def test_the_progress_lookup_is_rate_limited(client, question, resident, settings):
    url = reverse("matters:progress")
    for _try in range(10):
        assert client.post(url, {"reference": question.reference, "phone_last4": "0000"}).status_code == 200
    limited = client.post(url, {"reference": question.reference, "phone_last4": resident.phone[-4:]})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "Too many lookups" in page_text(limited) and question.reference not in page_text(limited)


def test_the_footer_links_the_progress_lookup(client, desks):
    assert reverse("matters:progress") in client.get(reverse("matters:progress")).content.decode()


# --- words ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_shop_words_on_the_matter_pages(signed_in, question, mediation, staff, language):
    services.take_step(staff, question.reference, "answer", "可以申请劳动仲裁。")
    urls = [
        reverse("matters:list"),
        reverse("matters:new"),
        reverse("matters:submit", kwargs={"kind": "legal_question"}),
        reverse("matters:submit", kwargs={"kind": "mediation"}),
        reverse("matters:submit", kwargs={"kind": "legal_aid"}) + "?category=hardship",
        reverse("matters:detail", args=[question.reference]),
        reverse("matters:detail", args=[mediation.reference]),
        reverse("matters:progress"),
        reverse("matters:respond", args=[tasks.other_party_token(mediation)]),
    ]
    signed_in.cookies["django_language"] = language
    with translation.override(language):
        for url in urls:
            response = signed_in.get(url)
            assert response.status_code == 200, url
            found = [word for word in problems_on(page_text(response), language) if not word.startswith("English")]
            assert not found, (url, found)
