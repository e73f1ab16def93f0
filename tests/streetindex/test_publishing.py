"""The district publishes a period (issue 22 item 4): drafts stay private until published, publishing is
recorded, only administrators holding ``publish_index`` review and publish, and the formula's weights and
minimums are changed in the product with each change recorded and shown beside the period computed with it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from marketplace.audit.models import Action
from streetindex import publishing
from streetindex.compute import compute_index, compute_period
from streetindex.models import FormulaVersion, IndexFigure, IndexRun
from streetindex.periods import local_today, month_of
from tests.conftest import PASSWORD
from tests.streetindex.page_factories import make_figure, make_ranked_streets, make_run
from tests.test_url_classes import of_class

Level = IndexFigure.Level
pytestmark = pytest.mark.django_db

WEIGHTS = {
    "bookings": 1,
    "fulfilment": 1,
    "no_shows": 1,
    "satisfaction": 1,
    "case_closing": 1,
    "coverage": 1,
    "demands_on_time": 1,
    "escalations": 1,
}
MINIMUMS = {"min_sample": 10, "min_bookings": 20, "min_ranked_streets": 3, "case_target_hours": 72}


def district_staff(make_user, **fields):
    user = make_user(**fields)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def district_admin(make_user):
    """District staff (no provider) holding the permission to publish the index."""
    user = district_staff(make_user, email="index@district.example", name="李审核", phone="13900000009")
    user.user_permissions.add(Permission.objects.get(codename="publish_index"))
    return user


@pytest.fixture
def published_and_draft():
    """2026-10 published (ranked), 2026-11 computed afterwards but not published, with other scores."""
    old = make_run("2026-10")
    streets = make_ranked_streets(old, 3, with_children=False)
    draft = make_run("2026-11", published_at=None)
    for position, figure in enumerate(streets, start=1):
        make_figure(draft, Level.STREET, figure.street, score=Decimal(50 + position), rank=4 - position)
    return old, draft


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


# --- the public sees the last published period ---------------------------------


def test_the_public_default_is_the_last_published_period_not_a_newer_draft(client, published_and_draft):
    old, draft = published_and_draft

    page = client.get(reverse("streetindex:streets"))
    assert page.status_code == 200 and page.context["run"] == old
    assert "2026-11" not in page.context["months"]
    assert client.get("/api/v1/index/streets").json()["period"] == "2026-10"


def test_an_unpublished_period_answers_as_if_it_did_not_exist(client, published_and_draft):
    never = client.get("/api/v1/index/streets", {"period": "2026-08"})
    draft = client.get("/api/v1/index/streets", {"period": "2026-11"})
    assert draft.status_code == never.status_code == 404
    assert draft.json()["code"] == never.json()["code"] == "not_found"
    assert client.get(reverse("streetindex:streets"), {"period": "2026-11"}).status_code == 404
    street = IndexFigure.objects.filter(run=published_and_draft[1]).first().street
    assert client.get(reverse("streetindex:street", args=[street.slug]), {"period": "2026-11"}).status_code == 404


def test_before_anything_is_published_the_index_says_it_is_not_computed(client):
    make_run("2026-11", published_at=None)
    assert client.get("/api/v1/index/streets").status_code == 404
    assert "streetindex/not_computed.html" in [t.name for t in client.get(reverse("streetindex:streets")).templates]


def test_the_api_says_when_the_period_was_published(client, published_and_draft):
    old, _draft = published_and_draft
    data = client.get("/api/v1/index/streets", {"period": "2026-10"}).json()
    assert data["published_at"] == timezone.localtime(old.published_at).isoformat()


# --- publishing ----------------------------------------------------------------


def test_publishing_makes_the_draft_public_and_records_who_and_when(client, district_admin, published_and_draft):
    _old, draft = published_and_draft
    login(client, district_admin)

    review = client.get(reverse("streetindex:review", args=["2026-11"]))
    assert review.status_code == 200
    body = review.content.decode()
    assert 'id="publish-form"' in body and 'name="confirm"' in body
    # the draft's figures beside those published before
    [(first, first_before), *_rest] = review.context["rows"]
    assert (first.score, first_before.score) == (Decimal("53"), Decimal("87"))

    response = client.post(reverse("streetindex:publish", args=["2026-11"]), {"confirm": "yes"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_by == district_admin and draft.published_at is not None
    entry = Action.objects.get(action=Action.Code.INDEX_PUBLISHED)
    assert entry.actor == district_admin and entry.detail["period"] == "2026-11"
    client.logout()
    assert client.get("/api/v1/index/streets").json()["period"] == "2026-11"


def test_publishing_without_ticking_the_confirmation_changes_nothing(client, district_admin, published_and_draft):
    login(client, district_admin)
    response = client.post(reverse("streetindex:publish", args=["2026-11"]), {})
    assert response.status_code == 400
    assert 'id="publish-error"' in response.content.decode()
    assert IndexRun.objects.get(period_start="2026-11-01").published_at is None
    assert not Action.objects.filter(action=Action.Code.INDEX_PUBLISHED).exists()


def test_a_period_without_a_draft_cannot_be_published(client, district_admin, published_and_draft):
    login(client, district_admin)
    assert client.post(reverse("streetindex:publish", args=["2026-10"]), {"confirm": "yes"}).status_code == 404
    assert client.get(reverse("streetindex:review", args=["nonsense"])).status_code == 404


def test_a_published_period_is_frozen_and_recomputing_it_makes_a_new_draft(district_admin, street, daytime):
    previous = month_of(local_today()).previous()
    first = compute_period(previous)
    publishing.publish_by_system(first)

    # The nightly job leaves the complete published month alone...
    _coverage, runs = compute_index()
    assert previous.start not in [run.period_start for run in runs]
    assert IndexRun.objects.filter(period_start=previous.start, granularity="month").count() == 1
    # ...a recomputation asked for makes a draft beside it; the public still sees the published one.
    _coverage, [draft] = compute_index([previous])
    assert draft.pk != first.pk and draft.published_at is None
    from streetindex.readouts import run_for

    assert run_for(previous.label) == first
    publishing.publish(district_admin, previous.label)
    assert run_for(previous.label) == draft


# --- who may review and publish ------------------------------------------------


@pytest.mark.parametrize("who", ["resident", "provider_staff", "staff_without_permission"])
def test_only_administrators_may_review_and_publish(client, who, make_user, staff, published_and_draft):
    user = {
        "resident": lambda: make_user(),
        "provider_staff": lambda: staff,
        "staff_without_permission": lambda: district_staff(
            make_user, email="clerk@district.example", phone="13900000008"
        ),
    }[who]()
    if who == "provider_staff":
        # working for a provider shuts the district's pages, even with the permission
        user.is_staff = True
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="publish_index"))
    login(client, user)
    for address in ["/index/review/", "/index/review/formula/", "/index/review/2026-11/"]:
        assert client.get(address).status_code == 403, address
    assert client.post("/index/review/2026-11/publish/", {"confirm": "yes"}).status_code == 403
    post = client.post("/index/review/formula/", {f"weight_{key}": "5" for key in WEIGHTS} | MINIMUMS)
    assert post.status_code == 403
    assert IndexRun.objects.get(period_start="2026-11-01").published_at is None
    assert not FormulaVersion.objects.exists()


def test_every_publishers_address_sends_a_visitor_to_sign_in_and_refuses_a_resident(client, resident):
    addresses = of_class("publishers")
    assert set(addresses) >= {
        "/index/review/",
        "/index/review/formula/",
        "/index/review/x/",
        "/index/review/x/publish/",
    }
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 302 and "/login/" in response["Location"], address
    login(client, resident)
    assert {address: client.get(address).status_code for address in addresses} == dict.fromkeys(addresses, 403)


def test_the_review_list_shows_drafts_and_what_was_published(client, district_admin, published_and_draft):
    login(client, district_admin)
    body = client.get("/index/review/").content.decode()
    drafts, published = body.split('id="drafts"')[1].split('id="published"')
    assert "2026-11" in drafts and "2026-10" not in drafts
    assert "2026-10" in published


# --- the formula ---------------------------------------------------------------


def formula_post(weights=None, **minimums):
    return {f"weight_{key}": str(value) for key, value in (weights or WEIGHTS).items()} | {
        name: str(value) for name, value in (MINIMUMS | minimums).items()
    }


def test_the_formula_page_starts_from_the_settings(client, district_admin, settings):
    settings.INDEX_WEIGHTS = {**WEIGHTS, "coverage": 7}
    login(client, district_admin)
    page = client.get("/index/review/formula/")
    assert page.status_code == 200
    assert dict((key, value) for key, _label, value in page.context["weight_fields"])["coverage"] == 7


def test_a_weight_change_is_recorded_old_and_new_and_shown_with_the_period_computed_with_it(
    client, district_admin, settings, street, daytime
):
    settings.INDEX_WEIGHTS = WEIGHTS
    login(client, district_admin)
    response = client.post("/index/review/formula/", formula_post({**WEIGHTS, "satisfaction": 3}, min_bookings=5))
    assert response.status_code == 302

    version = FormulaVersion.objects.get()
    assert (version.changed_by, version.weights["satisfaction"], version.min_bookings) == (district_admin, 3, 5)
    entry = Action.objects.get(action=Action.Code.FORMULA_CHANGED)
    assert entry.actor == district_admin
    assert (entry.detail["old"]["weights"]["satisfaction"], entry.detail["new"]["weights"]["satisfaction"]) == (1, 3)
    assert (entry.detail["old"]["min_bookings"], entry.detail["new"]["min_bookings"]) == (20, 5)

    # The next computation uses it and keeps it; its review page says who changed what.
    _coverage, [run] = compute_index([month_of(local_today())])
    assert run.formula_version == version and run.weights["satisfaction"] == 3 and run.min_bookings == 5
    review = client.get(reverse("streetindex:review", args=[run.label])).content.decode()
    section = review.split(f'id="formula-version-{version.pk}"')[1]
    assert "李审核" in section and "1</del> → <ins>3" in section and "20</del> → <ins>5" in section
    # and once published, the public page shows the change beside the period (without who made it)
    publishing.publish(district_admin, run.label)
    client.logout()
    public = client.get(reverse("streetindex:streets"), {"period": run.label}).content.decode()
    assert f'id="formula-version-{version.pk}"' in public and "1</del> → <ins>3" in public
    assert "李审核" not in public


@pytest.mark.parametrize(
    "post",
    [
        formula_post({**WEIGHTS, "fulfilment": -1}),
        formula_post(dict.fromkeys(WEIGHTS, 0)),
        formula_post({**WEIGHTS, "coverage": "abc"}),
        formula_post({**WEIGHTS, "coverage": "nan"}),
        formula_post({**WEIGHTS, "coverage": ""}),
        formula_post(min_sample=0),
        formula_post(min_bookings="2.5"),
        formula_post(case_target_hours=10**9),
    ],
)
def test_invalid_weights_are_refused_with_a_clear_error_and_nothing_changes(client, district_admin, post):
    login(client, district_admin)
    response = client.post("/index/review/formula/", post)
    assert response.status_code == 400
    assert 'id="formula-error"' in response.content.decode()
    assert response.context["error"].message
    assert not FormulaVersion.objects.exists()
    assert not Action.objects.filter(action=Action.Code.FORMULA_CHANGED).exists()


def test_the_same_values_again_change_nothing(district_admin):
    version = publishing.change_formula(district_admin, {**WEIGHTS, "coverage": 2}, MINIMUMS)
    assert publishing.change_formula(district_admin, {**WEIGHTS, "coverage": 2}, MINIMUMS) == version
    assert FormulaVersion.objects.count() == 1


def test_changing_the_formula_twice_keeps_each_old_value(district_admin, settings):
    settings.INDEX_WEIGHTS = WEIGHTS
    publishing.change_formula(district_admin, {**WEIGHTS, "coverage": 2}, MINIMUMS)
    second = publishing.change_formula(district_admin, {**WEIGHTS, "coverage": 4}, MINIMUMS)
    [(_label, old, new)] = second.changes()
    assert (old, new) == (2, 4)
    _version, formula_ = publishing.current_formula()
    assert formula_.weights["coverage"] == 4


def test_the_openapi_document_describes_published_at(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["StreetIndex"]
    assert "published_at" in schema["required"]
    assert schema["properties"]["published_at"]["format"] == "date-time"


def test_the_review_page_reads_in_chinese(client, district_admin, published_and_draft):
    login(client, district_admin)
    body = client.get(reverse("streetindex:review", args=["2026-11"])).content.decode()
    assert "街道指数草稿 2026-11" in body and "本草稿计算所用的权重" in body
    assert "我已审核2026-11的数据，同意向公众发布。" in body
