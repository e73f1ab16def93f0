"""People and places of the editorial workflow: two sectors, the news pages, an editor for each, a moderator.

Test modules take these with ``from tests.cms.editorial_fixtures import *``. The roles are set up the way a
deployment has them (``setup_editorial_roles`` after the pages exist); every editor is also in Wagtail's
default Editors group, as the demo editor is, to show that group no longer reaches every sector.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from oscar.core.loading import get_model
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from cms.editorial import EDITORS, MODERATORS, NEWS_EDITORS, sector_editors_name, setup_editorial_roles

Category = get_model("catalogue", "Category")

__all__ = [
    "admin_form",
    "guide_data",
    "list_block",
    "article_data",
    "add_url",
    "edit_url",
    "health_sector",
    "health_page",
    "legal_page",
    "roles",
    "moderator",
    "health_editor",
    "legal_editor",
    "news_editor",
]


def add_url(parent, model):
    return reverse("wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk))


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def admin_form(client, url, form_id="page-edit-form", **changes):
    """The form's fields as the admin renders them, with ``changes`` typed in: what an editor's browser posts.
    StreamFields are drawn by JavaScript, so a test gives their data itself (form_data.streamfield)."""
    response = client.get(url)
    assert response.status_code == 200, response
    data = querydict_from_html(response.content.decode(), form_id=form_id)
    data = {field: values if len(values) > 1 else values[0] for field, values in data.lists()}
    data.update(changes)
    return data


def list_block(items):
    """A ListBlock's form data (form_data.streamfield's counterpart), for nested_form_data."""
    rows = {str(i): {"value": value, "deleted": "", "order": str(i), "id": ""} for i, value in enumerate(items)}
    return {"count": str(len(items)), **rows}


def guide_data(title="老年人健康体检", slug="elderly-checkup", **extra):
    """A service guide as an editor fills it in. The service and sub-category are left as they are: none on a new
    page, so saving it creates its service; on an edit, the admin form's own values."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "65岁以上老年人每年一次免费体检",
            "guide": streamfield(
                [
                    ("who", rich_text("<p>辖区内65岁以上常住居民</p>")),
                    ("materials", list_block([{"name": "居民身份证", "note": "原件"}])),
                    ("steps", list_block([{"title": "网上预约", "detail": "选择时间和服务点"}])),
                    ("fees", rich_text("<p>免费</p>")),
                ]
            ),
            "other_ways": rich_text("<p>拨打 0871-63100000</p>"),
            **extra,
        }
    )


def article_data(title="防范养老诈骗", slug="elder-fraud", **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "kind": "legal_education",
            "date": "2026-11-20",
            "summary": "识破“高额回报”的骗局",
            "feed_image": "",
            "tags": "反诈, 老年人",
            "body": streamfield([("paragraph", rich_text("<p>天上不会掉馅饼。</p>"))]),
            **extra,
        }
    )


@pytest.fixture
def health_sector(db):
    return Category.add_root(name="医疗健康", slug="health")


@pytest.fixture
def health_page(home_page, health_sector):
    from cms.models import SectorIndexPage

    return home_page.add_child(instance=SectorIndexPage(title="医疗健康", slug="health", category=health_sector))


@pytest.fixture
def legal_page(home_page, sector):
    from cms.models import SectorIndexPage

    return home_page.add_child(instance=SectorIndexPage(title="法律服务", slug="legal", category=sector))


@pytest.fixture
def roles(health_page, legal_page, article_index, community_index):
    setup_editorial_roles()


def member(user, *groups):
    user.groups.add(*Group.objects.filter(name__in=groups))
    assert user.groups.count() == len(groups)
    return user


@pytest.fixture
def moderator(make_user, roles):
    return member(make_user(email="moderator@example.com", name="审核员", phone="13700000011"), MODERATORS)


@pytest.fixture
def health_editor(make_user, roles, health_sector):
    user = make_user(email="health.editor@example.com", name="卫健编辑", phone="13700000012")
    return member(user, EDITORS, sector_editors_name(health_sector))


@pytest.fixture
def legal_editor(make_user, roles, sector):
    user = make_user(email="legal.editor@example.com", name="司法编辑", phone="13700000013")
    return member(user, EDITORS, sector_editors_name(sector))


@pytest.fixture
def news_editor(make_user, roles):
    user = make_user(email="news.editor@example.com", name="新闻编辑", phone="13700000014")
    return member(user, EDITORS, NEWS_EDITORS)
