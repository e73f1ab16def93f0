"""From draft to live: editors submit, moderators approve or send back, pages go live and expire on schedule,
older versions can be restored, and every page type can be previewed before it is saved."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import ArticlePage, ServicePage
from tests.cms.editorial_fixtures import *  # noqa: F403
from tests.cms.editorial_fixtures import add_url, admin_form, article_data, edit_url, guide_data


def in_admin_format(moment):
    """How the admin's date-time picker writes a moment: local time, to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def workflow_action(client, page, action, comment=""):
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))
    return client.post(url, {"comment": comment})


def submitted_guide(client, editor, sector_page, **extra):
    client.force_login(editor)
    response = client.post(add_url(sector_page, ServicePage), guide_data(**{"action-submit": "1", **extra}))
    assert response.status_code == 302
    return ServicePage.objects.get(slug="elderly-checkup")


def test_a_submitted_guide_goes_live_once_a_moderator_approves(client, health_editor, moderator, health_page):
    page = submitted_guide(client, health_editor, health_page)

    assert not page.live
    assert page.workflow_in_progress
    assert client.get(f"/{health_page.slug}/{page.slug}/").status_code == 404
    assert not page.product.is_public  # the service it created waits for the page

    # The editor cannot approve their own work.
    assert workflow_action(client, page, "approve").status_code in (302, 403)
    page.refresh_from_db()
    assert not page.live

    client.force_login(moderator)
    response = workflow_action(client, page, "approve", comment="可以发布")
    assert response.status_code == 302

    page.refresh_from_db()
    assert page.live and not page.workflow_in_progress
    assert page.current_workflow_state is None
    assert WorkflowState.objects.get(object_id=str(page.pk)).status == WorkflowState.STATUS_APPROVED
    page.product.refresh_from_db()
    assert page.product.is_public and page.product.title == "老年人健康体检"

    client.logout()
    response = client.get(page.url)
    assert response.status_code == 200
    assert "老年人健康体检" in response.content.decode()


def test_request_changes_sends_the_page_back_to_its_editor(client, health_editor, moderator, health_page):
    page = submitted_guide(client, health_editor, health_page)

    client.force_login(moderator)
    workflow_action(client, page, "reject", comment="请补充收费标准的依据")
    page.refresh_from_db()
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES and not page.live

    # The editor sees the comment on their page and sends it in again.
    client.force_login(health_editor)
    assert "请补充收费标准的依据" in client.get(edit_url(page)).content.decode()
    data = admin_form(client, edit_url(page), **{"action-submit": "1"})
    data.update(guide_data(title="老年人免费健康体检"))
    client.post(edit_url(page), data)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    client.force_login(moderator)
    service = page.product
    workflow_action(client, page, "approve")
    page.refresh_from_db()
    service.refresh_from_db()
    assert page.live and page.title == "老年人免费健康体检"
    assert page.product == service and service.title == "老年人免费健康体检"


def later(monkeypatch, **delta):
    """Move Django's clock forward, as the nightly cron's run would find it."""
    moment = timezone.now() + timedelta(**delta)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_scheduled_publishing_waits_for_its_time(client, news_editor, moderator, article_index, monkeypatch):
    go_live = timezone.now() + timedelta(hours=2)
    client.force_login(news_editor)
    client.post(
        add_url(article_index, ArticlePage),
        article_data(go_live_at=in_admin_format(go_live), **{"action-submit": "1"}),
    )
    page = ArticlePage.objects.get()

    client.force_login(moderator)
    workflow_action(client, page, "approve")
    page.refresh_from_db()
    revision = page.latest_revision
    assert not page.live
    assert revision.approved_go_live_at is not None

    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live

    later(monkeypatch, hours=3)
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live
    client.logout()
    assert client.get(page.url).status_code == 200


def test_a_page_unpublishes_itself_when_it_expires(client, moderator, article_index, monkeypatch):
    client.force_login(moderator)
    expires = timezone.now() + timedelta(days=7)
    client.post(
        add_url(article_index, ArticlePage),
        article_data(expire_at=in_admin_format(expires), **{"action-publish": "1"}),
    )
    page = ArticlePage.objects.get()
    assert page.live and page.expire_at is not None

    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live

    later(monkeypatch, days=8)
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live and page.expired
    client.logout()
    assert client.get(f"/{article_index.slug}/{page.slug}/").status_code == 404


def test_revisions_are_kept_and_an_older_one_can_be_restored(client, moderator, article_index):
    client.force_login(moderator)
    url = add_url(article_index, ArticlePage)
    client.post(url, article_data(title="冬季防火通知", slug="fire", **{"action-publish": "1"}))
    page = ArticlePage.objects.get()
    first = page.latest_revision

    data = article_data(title="冬季防火安全通知（更新）", slug="fire", **{"action-publish": "1"})
    client.post(edit_url(page), data)
    page.refresh_from_db()
    assert page.title == "冬季防火安全通知（更新）"
    assert page.revisions.count() == 2

    history = client.get(reverse("wagtailadmin_pages:history", args=(page.pk,)))
    assert history.status_code == 200

    revert = reverse("wagtailadmin_pages:revisions_revert", args=(page.pk, first.pk))
    older = admin_form(client, revert)
    assert older["title"] == "冬季防火通知"
    older.update(article_data(title=older["title"], slug="fire", **{"action-publish": "1"}))
    response = client.post(revert, older)
    assert response.status_code == 302

    page.refresh_from_db()
    assert page.title == "冬季防火通知" and page.revisions.count() == 3
    client.logout()
    assert "冬季防火通知" in client.get(page.url).content.decode()


# --- previews --------------------------------------------------------------------------------------


def preview(client, url, data):
    """Post the unsaved form to a preview view, then load the preview as the editor's side panel does."""
    answer = client.post(url, data)
    assert answer.status_code == 200
    assert answer.json() == {"is_valid": True, "is_available": True}
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_guide_can_be_previewed_before_it_exists(client, health_editor, health_page):
    client.force_login(health_editor)
    url = reverse("wagtailadmin_pages:preview_on_add", args=("cms", "servicepage", health_page.pk))

    html = preview(client, url, guide_data(title="预览中的体检指南"))
    assert "预览中的体检指南" in html and "居民身份证" in html
    assert not ServicePage.objects.exists()


@pytest.fixture
def every_page(home_page, health_page, article_index, community_index, community, make_image):
    """One page of each type with the form data that changes it, unsaved."""
    from cms.models import CommunityPage, StandardPage

    guide = health_page.add_child(instance=ServicePage(title="老年人健康体检", slug="elderly-checkup"))
    article = article_index.add_child(instance=ArticlePage(title="防范养老诈骗", slug="elder-fraud"))
    station = community_index.add_child(
        instance=CommunityPage(title="金马社区", slug="jinma", community=community, station_name="金马社区服务站")
    )
    about = home_page.add_child(instance=StandardPage(title="关于云超市", slug="about"))
    for page in (guide, article, station, about):
        page.save_revision().publish()
    return [
        (home_page, {"hero_title": "预览：办事不出社区"}, "办事不出社区"),
        (health_page, {"intro": rich_text("<p>预览：家门口的健康服务</p>")}, "家门口的健康服务"),
        (guide, guide_data(title="预览：老年人健康体检"), "预览：老年人健康体检"),
        (article_index, {"intro": rich_text("<p>预览：本周法治新闻</p>")}, "本周法治新闻"),
        (article, article_data(title="预览：防范养老诈骗"), "预览：防范养老诈骗"),
        (community_index, {"intro": rich_text("<p>预览：身边的服务站</p>")}, "身边的服务站"),
        (station, {"station_name": "预览：金马社区党群服务中心"}, "金马社区党群服务中心"),
        (
            about,
            nested_form_data(
                {"intro": "预览：关于我们", "body": streamfield([("paragraph", rich_text("<p>盘龙区一网通办</p>"))])}
            ),
            "盘龙区一网通办",
        ),
    ]


def test_every_page_type_previews_unsaved_changes(client, moderator, every_page):
    client.force_login(moderator)
    for page, changes, expected in every_page:
        data = admin_form(client, edit_url(page))
        data.update(changes)
        url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
        html = preview(client, url, data)

        assert expected in html, type(page).__name__
        page.refresh_from_db()
        assert "预览" not in page.title  # nothing was saved
        assert expected not in client.get(page.url).content.decode()
