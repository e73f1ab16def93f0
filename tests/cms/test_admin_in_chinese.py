"""Wagtail's admin is Chinese for Chinese editors (issue 19, item 8): every admin page an editor or a
moderator works on, read as they read it (visible text, button values, placeholders, tooltips and
labels for screen readers), has no English in it but the few words allowed below."""

import pytest
from django.urls import reverse
from wagtail.models import Site, Workflow

from cms.editorial import APPROVAL, APPROVAL_WORKFLOW
from cms.models import ArticlePage, ServicePage
from search.models import Synonym
from tests.cms.editorial_fixtures import *  # noqa: F403
from tests.cms.editorial_fixtures import admin_form, edit_url, guide_data
from tests.cms.english import english_in

# The only English an editor may meet, and why:
ALLOWED = {
    "Wagtail",  # the CMS's name, in its logo and "Wagtail 8.0 编辑指南": a brand, like 微信
    "English",  # the language chooser names each language in itself: 简体中文, English
    "A",  # alphabetical sorting is written A–Z (and Z–A) in Chinese software too
    "Z",
    "CSV",  # the names of file formats on the report download buttons
    "XLSX",
    "HPV",  # content, not the admin's words: a vaccine as Chinese writes it (九价HPV疫苗), a demo service's name
}


@pytest.fixture
def pages(legal_page, article_index):
    Site.objects.filter(is_default_site=True).update(site_name="盘龙区公共服务云超市")
    guide = ServicePage(title="免费法律咨询", slug="free-legal", summary="社区律师一对一")
    guide = legal_page.add_child(instance=guide)
    guide.save_revision().publish()
    article = article_index.add_child(
        instance=ArticlePage(title="防范养老诈骗", slug="elder-fraud", date="2026-11-20", summary="识破骗局")
    )
    article.save_revision().publish()
    # The synonyms the migrations seed include English ones, for searches in English: what editors keep,
    # not the admin's own words. The list is read with one Chinese row of the test's own.
    Synonym.objects.all().delete()
    Synonym.objects.get_or_create(terms="律师, 法律顾问")
    return guide, article


def submission(client, guide):
    """The guide's edit form as the editor sends it for moderation (its sections drawn by script, so given here)."""
    data = admin_form(client, edit_url(guide), **{"action-submit": "1"})
    data.update(guide_data(title=guide.title, slug=guide.slug))
    return data


def english_on(client, url, **post):
    response = client.post(url, post, follow=True) if post else client.get(url, follow=True)
    assert response.status_code == 200, url
    if response["Content-Type"].startswith("application/json"):  # a dialog, its HTML sent as JSON
        return english_in(response.json()["html"], ALLOWED)
    return english_in(response.content.decode(), ALLOWED)


def test_the_approval_workflow_and_its_task_have_chinese_names(roles):
    workflow = Workflow.objects.get(active=True)
    assert workflow.name == APPROVAL_WORKFLOW == "审核发布流程"
    assert [task.name for task in workflow.tasks] == [APPROVAL] == ["审核员审批"]


def test_an_editor_meets_no_english(client, pages, legal_editor, legal_page, article_index):
    guide, article = pages
    assert english_on(client, reverse("wagtailadmin_login")) == set()
    client.force_login(legal_editor)
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[legal_page.pk]),
        reverse("wagtailadmin_pages:search") + "?q=法律",
        edit_url(guide),
        reverse("wagtailadmin_pages:add_subpage", args=[legal_page.pk]),
        reverse("wagtailadmin_pages:history", args=[guide.pk]),
        reverse("wagtailadmin_account"),
        reverse("wagtailimages:index"),
        reverse("wagtaildocs:index"),
        reverse("wagtailmedia:index"),
    ]
    found = {url: english_on(client, url) for url in urls}
    assert {url: words for url, words in found.items() if words} == {}

    # Submitting for moderation: the message and the page as it is then.
    assert english_on(client, edit_url(guide), **submission(client, guide)) == set()
    assert english_on(client, reverse("wagtailadmin_pages:workflow_history", args=[guide.pk])) == set()


def test_a_news_editor_edits_an_article_in_chinese(client, pages, news_editor, article_index):
    _guide, article = pages
    client.force_login(news_editor)
    assert english_on(client, reverse("wagtailadmin_explore", args=[article_index.pk])) == set()
    assert english_on(client, edit_url(article)) == set()


def test_a_moderator_reviews_and_keeps_the_synonyms_in_chinese(client, pages, legal_editor, moderator):
    guide, _article = pages
    client.force_login(legal_editor)
    client.post(edit_url(guide), submission(client, guide))
    guide.refresh_from_db()
    task_state = guide.current_workflow_task_state
    assert task_state is not None

    client.force_login(moderator)
    approve = reverse("wagtailadmin_pages:workflow_action", args=(guide.pk, "approve", task_state.pk))
    urls = [
        reverse("wagtailadmin_home"),  # "awaiting your review"
        edit_url(guide),
        approve,
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailsnippets:index"),
        reverse("wagtailsnippets_sitesearch_synonym:list"),
        reverse("wagtailsnippets_sitesearch_synonym:add"),
        reverse("wagtailsnippets_sitesearch_synonym:edit", args=[Synonym.objects.first().pk]),
    ]
    found = {url: english_on(client, url) for url in urls}
    assert {url: words for url, words in found.items() if words} == {}
    assert english_on(client, approve, comment="可以发布") == set()  # the approval and its message


def test_the_checker_sees_english_where_a_reader_would():
    html = (
        '<p>已保存</p><button aria-label="Close">×</button><input type="submit" value="搜索">'
        '<div hidden>None</div><section role="tabpanel" hidden><p>Saved</p></section>'
        "<script>var x = 'English';</script><a href='/cms/pages/'>test@example.com</a>"
    )
    assert english_in(html, ALLOWED) == {"Close", "Saved"}
