"""One service, one name: a service guide page and the service residents book never disagree."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from catalog.services import create_service
from cms.models import SectorIndexPage, ServicePage
from search.query import ServiceQuery
from search.services import search_services
from tests.conftest import PASSWORD

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


@pytest.fixture
def legal(home_page, sector):
    return home_page.add_child(instance=SectorIndexPage(title=sector.name, slug="legal", category=sector))


@pytest.fixture
def health(home_page):
    category = Category.add_root(name="医疗健康", slug="health")
    return home_page.add_child(instance=SectorIndexPage(title="医疗健康", slug="health", category=category))


@pytest.fixture
def admin_client(client, admin_user):
    client.login(email=admin_user.email, password=PASSWORD)
    return client


def found(words):
    return [hit.product.title for hit in search_services(ServiceQuery(q=words)).hits]


def add_page(parent, **fields):
    return parent.add_child(instance=ServicePage(slug=fields.pop("slug", "guide"), **fields))


def test_a_new_guide_page_creates_its_service_hidden_until_published(legal, sector):
    page = add_page(legal, title="法律援助申请指导", summary="帮您判断能否申请法律援助", live=False)

    service = Product.objects.get(pk=page.product_id)
    assert service.title == "法律援助申请指导"
    assert service.summary == "帮您判断能否申请法律援助"
    assert list(service.categories.all()) == [sector]
    assert not service.is_public
    assert found("法律援助") == []

    page.save_revision().publish()

    service.refresh_from_db()
    assert service.is_public
    assert found("法律援助") == ["法律援助申请指导"]
    assert service.get_absolute_url() == page.url


def test_renaming_a_guide_renames_its_service_when_published_not_before(legal, service):
    page = add_page(legal, title=service.title, product=service)

    page.title = "免费法律咨询（社区律师）"
    page.save_revision()
    service.refresh_from_db()
    assert service.title == "免费法律咨询"  # the live page still says so too
    assert Page.objects.get(pk=page.pk).title == "免费法律咨询"

    page.get_latest_revision().publish()
    service.refresh_from_db()
    assert service.title == Page.objects.get(pk=page.pk).title == "免费法律咨询（社区律师）"
    assert found("社区律师") == ["免费法律咨询（社区律师）"]


def test_a_linked_service_takes_the_guides_summary_and_lends_its_own_when_the_page_has_none(legal, service):
    page = add_page(legal, title=service.title, product=service)
    assert page.summary == service.summary == "社区律师一对一免费解答法律问题"

    page.summary = "律师一对一，免费，约 30 分钟"
    page.save_revision().publish()
    service.refresh_from_db()
    assert service.summary == "律师一对一，免费，约 30 分钟"


def test_a_sub_category_chosen_on_the_page_is_the_services(legal, sector, service):
    mediation = sector.add_child(name="人民调解", slug="mediation")
    page = add_page(legal, title=service.title, product=service, category=mediation)
    assert list(service.categories.all()) == [mediation]

    # a page left without one shows the service's own sub-category
    other = create_service("法律援助", mediation)
    other_page = add_page(legal, title="法律援助", slug="aid", product=other)
    assert other_page.category == mediation
    assert page.sector() == other_page.sector() == sector


def test_moving_a_guide_to_another_sector_moves_its_service(legal, health, service):
    page = add_page(legal, title=service.title, product=service)

    page.move(health, pos="last-child")

    page.refresh_from_db()
    assert list(service.categories.all()) == [health.category]
    assert page.sector() == health.category
    assert found("法律咨询") == ["免费法律咨询"]
    assert search_services(ServiceQuery(categories=("health",))).count == 1


def test_a_copied_guide_is_a_new_service_not_a_second_name(legal, service):
    page = add_page(legal, title=service.title, product=service)

    copy = page.copy(update_attrs={"title": "免费法律咨询（周末）", "slug": "weekend"})

    copy = ServicePage.objects.get(pk=copy.pk)
    assert copy.product_id != service.pk
    assert copy.product.title == "免费法律咨询（周末）"
    service.refresh_from_db()
    assert service.title == "免费法律咨询"


# Through the CMS, as an editor works


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["cms", "servicepage", parent.pk])


def guide_form(**fields):
    data = {
        "title": "家庭医生签约",
        "slug": "family-doctor",
        "summary": "签约家庭医生，慢病随访有人管",
        "product": "",
        "category": "",
        "guide": streamfield([("who", rich_text("<p>辖区常住居民</p>"))]),
        "other_ways": rich_text(""),
        "action-publish": "action-publish",
    }
    data.update(fields)
    return nested_form_data(data)


def test_creating_a_guide_in_the_cms_creates_its_service(admin_client, health):
    response = admin_client.post(add_url(health), guide_form())

    assert response.status_code == 302
    page = ServicePage.objects.get(slug="family-doctor")
    assert page.live
    assert page.product.title == "家庭医生签约"
    assert page.product.is_public
    assert list(page.product.categories.all()) == [health.category]


def test_the_cms_refuses_a_service_or_sub_category_of_another_sector(admin_client, legal, health, service):
    elsewhere = health.category.add_child(name="家庭医生", slug="health-family-doctor")

    response = admin_client.post(add_url(legal), guide_form(category=str(elsewhere.pk)))
    assert response.status_code == 200
    assert "category" in response.context["form"].errors

    response = admin_client.post(add_url(health), guide_form(product=str(service.pk)))
    assert response.status_code == 200
    assert "法律服务" in str(response.context["form"].errors["product"])
    assert not ServicePage.objects.exists()
    assert list(service.categories.all()) == [legal.category]


def test_the_cms_refuses_a_second_guide_for_one_service(admin_client, legal, service):
    add_page(legal, title=service.title, product=service)

    response = admin_client.post(add_url(legal), guide_form(product=str(service.pk), slug="again"))

    assert response.status_code == 200
    # the message names the guide to edit instead
    assert service.title in str(response.context["form"].errors["product"])
    assert ServicePage.objects.count() == 1


# Through Oscar's dashboard, as a district administrator works


def dashboard_form_data(response):
    """The POST data of the dashboard's product form exactly as the page shows it."""
    context = {key: response.context[key] for key in response.context.keys()}
    formsets = [value for key, value in context.items() if key.endswith("formset")]
    forms = [context["form"]]
    data = {}
    for formset in formsets:
        # The rows already saved; the blank rows for new entries are left out, as left blank.
        forms += [formset.management_form, *formset.initial_forms]
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data.setdefault(bound.html_name, "on" if value is True else value)
    return data


def test_the_dashboard_cannot_rename_a_service_that_has_a_guide(admin_client, legal, service):
    add_page(legal, title=service.title, product=service)
    url = reverse("dashboard:catalogue-product", kwargs={"pk": service.pk})
    data = dashboard_form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "title": "律师咨询"})

    assert response.status_code == 200
    # the message names the guide page where the name is changed
    assert "免费法律咨询" in str(response.context["form"].errors["title"])
    service.refresh_from_db()
    assert service.title == "免费法律咨询"


def test_the_dashboard_cannot_file_a_service_under_another_sector_than_its_guide(admin_client, legal, health, service):
    add_page(legal, title=service.title, product=service)
    url = reverse("dashboard:catalogue-product", kwargs={"pk": service.pk})
    data = dashboard_form_data(admin_client.get(url))
    field = next(
        key for key, value in data.items() if key.startswith("productcategory_set-") and key.endswith("-category")
    )

    response = admin_client.post(url, {**data, field: str(health.category.pk)})

    assert response.status_code == 200
    assert "法律服务" in str(response.context["category_formset"].errors)
    assert list(service.categories.all()) == [legal.category]


def test_the_dashboard_still_edits_everything_else(admin_client, legal, service):
    add_page(legal, title=service.title, product=service)
    url = reverse("dashboard:catalogue-product", kwargs={"pk": service.pk})
    data = dashboard_form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "description": "<p>每次约 30 分钟</p>"})

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.description == "<p>每次约 30 分钟</p>"


def test_a_guide_keeps_the_service_it_was_made_for(admin_client, legal, service, sector):
    page = add_page(legal, title=service.title, product=service)
    other = create_service("法律援助", sector)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])

    response = admin_client.post(url, guide_form(title=service.title, slug=page.slug, product=str(other.pk)))

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.product_id == service.pk
    assert not other.service_pages.exists()


def test_a_guide_cannot_have_an_alias_but_can_be_copied(admin_client, legal, service):
    page = add_page(legal, title=service.title, product=service)
    url = reverse("wagtailadmin_pages:copy", args=[page.pk])
    form = {"new_title": "免费法律咨询（周末）", "new_slug": "weekend", "new_parent_page": str(legal.pk)}

    response = admin_client.post(url, {**form, "alias": "on"})
    assert response.status_code == 200
    assert "alias" in response.context["form"].errors
    assert ServicePage.objects.count() == 1

    response = admin_client.post(url, form)
    assert response.status_code == 302
    copy = ServicePage.objects.get(slug="weekend")
    assert copy.product != service and copy.product.title == "免费法律咨询（周末）"


def test_a_sector_copied_as_an_alias_with_its_guides_is_refused(admin_client, home_page, legal, service):
    add_page(legal, title=service.title, product=service)
    url = reverse("wagtailadmin_pages:copy", args=[legal.pk])
    form = {"new_title": "法律服务（副本）", "new_slug": "legal-2", "new_parent_page": str(home_page.pk)}

    response = admin_client.post(url, {**form, "alias": "on", "copy_subpages": "on"})

    assert response.status_code == 200
    assert "alias" in response.context["form"].errors
    assert ServicePage.objects.count() == 1
