"""Who may do what: sector editors stay in their sector, nobody but moderators publishes, editors never
reach residents' data, and no image reaches a page without alt text."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupPagePermission, Page, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.editorial import EDITORS, NEWS_EDITORS, sector_editors_name, setup_editorial_roles
from cms.models import ArticlePage, ServicePage
from tests.cms.editorial_fixtures import *  # noqa: F403
from tests.cms.editorial_fixtures import add_url, admin_form, edit_url, guide_data


def upload(name="activity.png"):
    return SimpleUploadedFile(name, get_test_image_file().file.getvalue(), content_type="image/png")


def refused(response):
    """Wagtail's admin answers a missing permission with 403 or by sending the user back to the dashboard,
    with a message; never with the page's form, and never a 500."""
    if response.status_code == 302:
        return response.url.startswith(reverse("wagtailadmin_home")) or "login" in response.url
    return response.status_code == 403


# --- roles ---------------------------------------------------------------------------------------


def test_setup_is_idempotent_and_strips_the_default_editors_root_permission(roles, health_page, health_sector):
    editors = Group.objects.get(name=EDITORS)
    assert not GroupPagePermission.objects.filter(group=editors).exists()
    sector_group = Group.objects.get(name=sector_editors_name(health_sector))
    granted = set(sector_group.page_permissions.values_list("page_id", "permission__codename"))
    assert granted == {(health_page.pk, "add_page"), (health_page.pk, "change_page")}

    before = (Group.objects.count(), GroupPagePermission.objects.count(), Workflow.objects.count())
    assert setup_editorial_roles() == 0
    assert (Group.objects.count(), GroupPagePermission.objects.count(), Workflow.objects.count()) == before


def test_a_new_sector_gets_its_editors_group_without_code(roles, home_page):
    from oscar.core.loading import get_model

    from cms.models import SectorIndexPage

    culture = get_model("catalogue", "Category").add_root(name="文化", slug="culture")
    page = home_page.add_child(instance=SectorIndexPage(title="文化", slug="culture", category=culture))

    group = Group.objects.get(name="文化编辑")
    assert set(group.page_permissions.values_list("page_id", "permission__codename")) == {
        (page.pk, "add_page"),
        (page.pk, "change_page"),
    }


def test_new_news_pages_are_the_news_editors(roles, home_page):
    from cms.models import StandardPage

    about = home_page.add_child(instance=StandardPage(title="关于云超市", slug="about"))
    team = about.add_child(instance=StandardPage(title="团队", slug="team"))

    pages = set(Group.objects.get(name=NEWS_EDITORS).page_permissions.values_list("page_id", flat=True))
    assert about.pk in pages
    assert team.pk not in pages  # covered by the permission on its parent


def test_the_approval_workflow_is_restored_when_switched_off(roles, home_page):
    Workflow.objects.update(active=False)
    setup_editorial_roles()
    workflow = home_page.get_workflow()
    assert workflow is not None and workflow.active
    assert [group.name for task in workflow.tasks.specific() for group in task.groups.all()] == ["Moderators"]


# --- sectors -------------------------------------------------------------------------------------


def test_a_health_editor_drafts_in_health(client, health_editor, health_page):
    client.force_login(health_editor)
    response = client.post(add_url(health_page, ServicePage), guide_data("老年人健康体检", "elderly-checkup"))

    assert response.status_code == 302
    page = ServicePage.objects.get(slug="elderly-checkup")
    assert page.get_parent().pk == health_page.pk
    assert not page.live


def test_a_health_editor_cannot_add_under_the_legal_sector(client, health_editor, legal_page):
    client.force_login(health_editor)

    assert refused(client.get(add_url(legal_page, ServicePage)))
    assert refused(client.post(add_url(legal_page, ServicePage), guide_data("免费法律咨询", "free-legal")))
    assert not ServicePage.objects.filter(slug="free-legal").exists()


def test_a_health_editor_cannot_edit_or_publish_legal_pages(client, health_editor, legal_page):
    guide = legal_page.add_child(instance=ServicePage(title="免费法律咨询", slug="free-legal"))
    client.force_login(health_editor)

    assert refused(client.get(edit_url(guide)))
    response = client.post(edit_url(guide), guide_data("被改掉的名字", "free-legal", **{"action-publish": "1"}))
    assert refused(response)
    assert refused(client.post(reverse("wagtailadmin_pages:delete", args=(guide.pk,))))
    assert refused(client.get(edit_url(legal_page)))
    guide.refresh_from_db()
    assert guide.title == "免费法律咨询" and guide.get_latest_revision() is None


def test_editors_cannot_publish_even_their_own_sector(client, health_editor, health_page):
    client.force_login(health_editor)
    client.post(
        add_url(health_page, ServicePage), guide_data("家庭医生签约", "family-doctor", **{"action-publish": "1"})
    )
    page = ServicePage.objects.get(slug="family-doctor")
    assert not page.live

    data = admin_form(client, edit_url(page), title="家庭医生签约服务", **{"action-publish": "1"})
    data.update(guide_data("家庭医生签约服务", "family-doctor"))
    client.post(edit_url(page), data)
    page.refresh_from_db()
    assert not page.live and page.live_revision is None
    assert page.get_latest_revision().as_object().title == "家庭医生签约服务"  # kept as a draft

    page.save_revision().publish()  # a moderator published it
    assert refused(client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,))))
    page.refresh_from_db()
    assert page.live


def test_news_editors_stay_out_of_the_sectors_and_the_home_page(client, news_editor, health_page, home_page):
    client.force_login(news_editor)
    assert refused(client.get(add_url(health_page, ServicePage)))
    assert refused(client.get(edit_url(home_page)))


def test_sector_editors_stay_out_of_the_news(client, health_editor, article_index):
    client.force_login(health_editor)
    assert refused(client.get(add_url(article_index, ArticlePage)))


# --- residents' data -----------------------------------------------------------------------------


@pytest.fixture
def booking(resident, offering, make_slot):
    from marketplace.booking import services

    return services.book(resident, make_slot(offering).pk)


@pytest.mark.parametrize("editor", ["health_editor", "news_editor"])
def test_editors_never_reach_residents_or_bookings(client, request, editor, booking, resident):
    client.force_login(request.getfixturevalue(editor))

    closed = [
        "/shop/dashboard/",
        "/shop/dashboard/orders/",
        "/shop/dashboard/users/",
        "/django-admin/",
        "/django-admin/users/user/",
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_groups:index"),
        reverse("booking-detail", args=(booking.code,)),
    ]
    for url in closed:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert resident.phone not in response.content.decode(), url

    provider_console = client.get("/provider/")
    assert provider_console.status_code == 403


@pytest.mark.parametrize("editor", ["health_editor", "news_editor"])
def test_nothing_an_editor_opens_in_the_cms_lists_residents(client, request, editor, booking, resident):
    client.force_login(request.getfixturevalue(editor))

    search = reverse("wagtailadmin_pages:search")
    pages = [
        (reverse("wagtailadmin_home"), ""),
        (f"{search}?q={resident.name}", resident.name),
        (f"{search}?q={resident.phone}", resident.phone),
        (reverse("wagtailadmin_reports:site_history"), ""),
        (reverse("wagtailadmin_reports:workflow"), ""),
        (reverse("wagtailadmin_reports:workflow_tasks"), ""),
        (reverse("wagtailsnippets:index"), ""),
        (reverse("wagtailimages:index"), ""),
        (reverse("wagtaildocs:index"), ""),
    ]
    for url, asked in pages:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        html = response.content.decode()
        # What the editor typed is echoed in the search box; nothing else about the resident may appear.
        for personal in {resident.name, resident.phone, resident.email, booking.code} - {asked}:
            assert personal not in html, (url, personal)


# --- alt text ------------------------------------------------------------------------------------


def test_the_image_form_refuses_an_image_without_alt_text(client, news_editor, media_root):
    client.force_login(news_editor)
    url = reverse("wagtailimages:add")

    response = client.post(url, {"title": "社区活动", "file": upload(), "description": ""})
    assert response.status_code == 200 and not Image.objects.exists()
    assert "description" in response.context["form"].errors

    client.post(url, {"title": "社区活动", "file": upload(), "description": "居民在社区广场看演出"})
    image = Image.objects.get()
    assert image.description == "居民在社区广场看演出"

    edit = reverse("wagtailimages:edit", args=(image.pk,))
    response = client.post(edit, {"title": "社区活动", "description": ""})
    assert response.status_code == 200 and "description" in response.context["form"].errors
    image.refresh_from_db()
    assert image.description == "居民在社区广场看演出"


def test_the_multiple_uploader_keeps_an_image_without_alt_text_out_of_the_library(client, news_editor, media_root):
    client.force_login(news_editor)

    response = client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload()})
    uploaded = response.json()
    assert uploaded["success"] and not Image.objects.exists()

    finish = reverse("wagtailimages:create_multiple_from_uploaded_image", args=(uploaded["uploaded_file_id"],))
    prefix = f"uploaded-image-{uploaded['uploaded_file_id']}"
    answer = client.post(finish, {f"{prefix}-title": "社区活动", f"{prefix}-description": ""}).json()
    assert not answer["success"] and not Image.objects.exists()

    answer = client.post(
        finish, {f"{prefix}-title": "社区活动", f"{prefix}-description": "居民在社区广场看演出"}
    ).json()
    assert answer["success"]
    assert Image.objects.get().description == "居民在社区广场看演出"


def article_data(**extra):
    return nested_form_data(
        {
            "title": "防范养老诈骗",
            "slug": "elder-fraud",
            "kind": "legal_education",
            "date": "2026-11-20",
            "summary": "",
            "feed_image": "",
            "tags": "",
            "body": streamfield([("paragraph", rich_text("<p>天上不会掉馅饼。</p>"))]),
            **extra,
        }
    )


def test_a_page_cannot_show_an_image_without_alt_text(client, news_editor, article_index, make_image):
    bare = make_image(title="无说明的图片", description="")
    client.force_login(news_editor)
    url = add_url(article_index, ArticlePage)

    response = client.post(url, article_data(feed_image=str(bare.pk)))
    assert response.status_code == 200
    assert "feed_image" in response.context["form"].errors
    assert not ArticlePage.objects.exists()

    # A draft may be saved unfinished (Wagtail defers required fields), but it cannot be sent for approval.
    body = streamfield([("image", {"image": str(bare.pk), "decorative": "", "alt_text": ""})])
    response = client.post(url, article_data(body=body, **{"action-submit": "1"}))
    assert response.status_code == 200 and not ArticlePage.objects.exists()

    described = make_image()
    body = streamfield([("image", {"image": str(described.pk), "decorative": "", "alt_text": described.description})])
    response = client.post(url, article_data(feed_image=str(described.pk), body=body, **{"action-submit": "1"}))
    assert response.status_code == 302
    article = ArticlePage.objects.get()
    assert article.feed_image == described
    assert article.body[0].value.contextual_alt_text == described.description


def test_the_home_page_hero_needs_alt_text(client, moderator, home_page, make_image):
    bare = make_image(title="无说明的图片", description="")
    client.force_login(moderator)
    data = admin_form(client, edit_url(home_page), hero_image=str(bare.pk))
    response = client.post(edit_url(home_page), data)
    assert response.status_code == 200
    assert "hero_image" in response.context["form"].errors
    assert Page.objects.get(pk=home_page.pk).specific.hero_image is None


def test_a_deployment_sets_the_roles_up_with_a_command(roles, home_page):
    from io import StringIO

    from django.core.management import call_command

    editors = Group.objects.get(name=EDITORS)
    GroupPagePermission.objects.create(group=editors, page=home_page, permission_type="change")
    out = StringIO()
    call_command("setup_editorial_roles", stdout=out)
    assert "0 new groups" in out.getvalue()
    assert not GroupPagePermission.objects.filter(group=editors).exists()
