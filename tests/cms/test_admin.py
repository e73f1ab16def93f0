"""Every page type is written in the CMS by the editor whose job it is, and visitors see it once approved;
moderators keep the menus and the site settings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    CommunityIndexPage,
    CommunityPage,
    HomePage,
    Menu,
    SectorIndexPage,
    ServicePage,
    SiteSettings,
    StandardPage,
)
from tests.cms.editorial_fixtures import *  # noqa: F403
from tests.cms.editorial_fixtures import add_url, admin_form, article_data, edit_url, guide_data

Category = get_model("catalogue", "Category")


def approve(client, moderator, page):
    """The moderator approves the page's submission in the admin."""
    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    assert task_state is not None, "the page was not submitted"
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    assert client.post(url, {"comment": ""}).status_code == 302
    page.refresh_from_db()
    assert page.live
    return page


def visit(client, page):
    client.logout()
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def submit(data):
    return {**data, "action-submit": "1"}


def publish(data):
    return {**data, "action-publish": "1"}


# --- home and sectors (moderators) -----------------------------------------------------------------


def test_a_moderator_edits_the_home_page_and_its_featured_services(client, moderator, home_page, health_page):
    guide = health_page.add_child(instance=ServicePage(title="老年人健康体检", slug="elderly-checkup"))
    guide.save_revision().publish()
    client.force_login(moderator)

    data = admin_form(client, edit_url(home_page), hero_title="办事不出社区，服务就在身边")
    data.update(nested_form_data({"featured_services": inline_formset([{"service": str(guide.pk)}])}))
    response = client.post(edit_url(home_page), publish(data))
    assert response.status_code == 302

    home = HomePage.objects.get(pk=home_page.pk)
    assert [item.service_id for item in home.featured_services.all()] == [guide.pk]
    html = visit(client, home)
    assert "办事不出社区，服务就在身边" in html
    assert guide.url in html


def test_a_moderator_opens_a_sector_and_its_editors_can_write_there(client, moderator, home_page, roles):
    culture = Category.add_root(name="文化", slug="culture")
    client.force_login(moderator)
    data = nested_form_data(
        {"title": "文化", "slug": "culture", "category": str(culture.pk), "intro": rich_text("<p>看演出、借图书</p>")}
    )
    response = client.post(add_url(home_page, SectorIndexPage), publish(data))
    assert response.status_code == 302
    sector_page = SectorIndexPage.objects.get(slug="culture")
    assert "看演出、借图书" in visit(client, sector_page)

    data = admin_form(client_as(client, moderator), edit_url(sector_page), title="文化服务")
    client.post(edit_url(sector_page), publish(data))
    sector_page.refresh_from_db()
    assert sector_page.title == "文化服务"


def client_as(client, user):
    client.force_login(user)
    return client


# --- service guides (sector editors) -----------------------------------------------------------------


def test_a_sector_editor_writes_a_guide_that_creates_its_service(client, health_editor, moderator, health_page):
    client.force_login(health_editor)
    response = client.post(add_url(health_page, ServicePage), submit(guide_data()))
    assert response.status_code == 302

    page = ServicePage.objects.get(slug="elderly-checkup")
    service = page.product
    assert service.title == "老年人健康体检" and not service.is_public
    assert [category.slug for category in service.categories.all()] == ["health"]
    assert [block.block_type for block in page.guide] == ["who", "materials", "steps", "fees"]

    approve(client, moderator, page)
    service.refresh_from_db()
    assert service.is_public
    html = visit(client, page)
    for text in ("老年人健康体检", "辖区内65岁以上常住居民", "居民身份证", "网上预约", "免费"):
        assert text in html

    # Edited later, the page and its service keep one name.
    client.force_login(health_editor)
    data = admin_form(client, edit_url(page))
    data.update(guide_data(title="65岁以上老年人免费体检"))
    client.post(edit_url(page), submit(data))
    approve(client, moderator, page)
    service.refresh_from_db()
    assert page.product_id == service.pk
    assert service.title == page.title == "65岁以上老年人免费体检"
    assert "65岁以上老年人免费体检" in visit(client, page)


# --- news, communities and plain pages (news editors) ------------------------------------------------


@pytest.fixture
def media(media_root):
    from wagtailmedia.models import get_media_model

    Media = get_media_model()

    def make(kind):
        name = {"video": "talk.mp4", "audio": "talk.mp3"}[kind]
        return Media.objects.create(
            title=f"社区律师讲《民法典》（{kind}）", type=kind, file=SimpleUploadedFile(name, b"\x00" * 64)
        )

    return make


def test_a_news_editor_edits_the_article_index(client, news_editor, moderator, article_index):
    client.force_login(news_editor)
    data = admin_form(client, edit_url(article_index), intro=rich_text("<p>盘龙区的新闻与法治宣教</p>"))
    client.post(edit_url(article_index), submit(data))
    page = approve(client, moderator, ArticleIndexPage.objects.get(pk=article_index.pk))
    assert "盘龙区的新闻与法治宣教" in visit(client, page)


def test_a_moderator_adds_an_article_index(client, moderator, home_page):
    client.force_login(moderator)
    data = nested_form_data({"title": "法治宣教", "slug": "legal-education", "intro": rich_text("<p>学法用法</p>")})
    assert client.post(add_url(home_page, ArticleIndexPage), publish(data)).status_code == 302
    assert "学法用法" in visit(client, ArticleIndexPage.objects.get(slug="legal-education"))


def test_a_news_editor_writes_an_article_that_ends_in_a_booking(
    client, news_editor, moderator, article_index, health_page, make_image, media
):
    guide = health_page.add_child(instance=ServicePage(title="老年人健康体检", slug="elderly-checkup"))
    guide.save_revision().publish()
    picture, video, audio = make_image(), media("video"), media("audio")
    body = streamfield(
        [
            ("paragraph", rich_text("<p>“保健品包治百病”是骗局。</p>")),
            ("image", {"image": str(picture.pk), "decorative": "", "alt_text": picture.description}),
            ("quote", {"text": "不听、不信、不转账。", "source": "盘龙区公安分局"}),
            ("video", {"video": str(video.pk), "transcript": rich_text("<p>视频文字稿：律师讲解</p>")}),
            ("audio", {"audio": str(audio.pk), "transcript": rich_text("<p>音频文字稿：以案说法</p>")}),
            ("consultation", {"service": str(guide.pk), "heading": "先体检，再买保健品", "text": "免费预约"}),
        ]
    )
    client.force_login(news_editor)
    data = article_data(feed_image=str(picture.pk), body=body, tags="反诈, 老年人")
    response = client.post(add_url(article_index, ArticlePage), submit(data))
    assert response.status_code == 302

    article = approve(client, moderator, ArticlePage.objects.get(slug="elder-fraud"))
    assert sorted(tag.name for tag in article.tags.all()) == ["反诈", "老年人"]
    assert [block.block_type for block in article.body] == [
        "paragraph",
        "image",
        "quote",
        "video",
        "audio",
        "consultation",
    ]
    html = visit(client, article)
    for text in ("防范养老诈骗", "是骗局", "不听、不信、不转账", "视频文字稿", "音频文字稿", "先体检，再买保健品"):
        assert text in html
    assert guide.url in html
    assert f'alt="{picture.description}"' in html

    index = visit(client, ArticleIndexPage.objects.get(pk=article_index.pk))
    assert "防范养老诈骗" in index
    client.logout()
    assert "防范养老诈骗" in client.get(article_index.url, {"tag": "反诈"}).content.decode()
    assert "防范养老诈骗" not in client.get(article_index.url, {"tag": "社保"}).content.decode()

    client.force_login(news_editor)
    data = admin_form(client, edit_url(article))
    data.update(article_data(title="警惕“以房养老”骗局", body=body, feed_image=str(picture.pk)))
    client.post(edit_url(article), submit(data))
    assert "警惕“以房养老”骗局" in visit(client, approve(client, moderator, article))


def test_a_news_editor_writes_a_community_page_with_its_duty_rota(
    client, news_editor, moderator, community_index, community
):
    shifts = inline_formset(
        [
            {"weekday": "0", "role": "lawyer", "name": "赵律师", "hours": "9:00–11:30"},
            {"weekday": "2", "role": "police", "name": "王警官", "hours": "14:30–17:00"},
        ]
    )
    data = nested_form_data(
        {
            "title": "金马社区",
            "slug": "jinma",
            "community": str(community.pk),
            "station_name": "金马社区党群服务中心",
            "address": "盘龙区金马路 8 号",
            "phone": "0871-63100001",
            "hours": "周一至周五 9:00–17:00",
            "latitude": "25.040000",
            "longitude": "102.740000",
            "intro": rich_text("<p>家门口的服务站</p>"),
            "duty_shifts": shifts,
        }
    )
    client.force_login(news_editor)
    response = client.post(add_url(community_index, CommunityPage), submit(data))
    assert response.status_code == 302

    page = approve(client, moderator, CommunityPage.objects.get(slug="jinma"))
    assert [(shift.weekday, shift.name) for shift in page.duty_shifts.all()] == [(0, "赵律师"), (2, "王警官")]
    html = visit(client, page)
    for text in ("金马社区党群服务中心", "盘龙区金马路 8 号", "赵律师", "王警官", "0871-63100001"):
        assert text in html
    assert "金马社区" in visit(client, CommunityIndexPage.objects.get(pk=community_index.pk))

    client.force_login(news_editor)
    data = admin_form(client, edit_url(page), hours="周一至周六 9:00–17:00")
    client.post(edit_url(page), submit(data))
    assert "周一至周六 9:00–17:00" in visit(client, approve(client, moderator, page))


def test_a_news_editor_edits_the_community_index(client, news_editor, moderator, community_index):
    client.force_login(news_editor)
    data = admin_form(client, edit_url(community_index), intro=rich_text("<p>十二个街道的服务站</p>"))
    client.post(edit_url(community_index), submit(data))
    page = approve(client, moderator, CommunityIndexPage.objects.get(pk=community_index.pk))
    assert "十二个街道的服务站" in visit(client, page)


def test_standard_pages_top_level_by_moderators_then_news_editors(client, moderator, news_editor, home_page):
    def standard(title, slug, text):
        return nested_form_data(
            {
                "title": title,
                "slug": slug,
                "intro": "",
                "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
            }
        )

    client.force_login(news_editor)
    assert client.get(add_url(home_page, StandardPage)).status_code != 200

    client.force_login(moderator)
    client.post(add_url(home_page, StandardPage), publish(standard("关于云超市", "about", "一网通办")))
    about = StandardPage.objects.get(slug="about")
    assert "一网通办" in visit(client, about)

    client.force_login(news_editor)
    client.post(add_url(about, StandardPage), submit(standard("无障碍说明", "accessibility", "支持读屏软件")))
    accessibility = approve(client, moderator, StandardPage.objects.get(slug="accessibility"))
    assert "支持读屏软件" in visit(client, accessibility)

    client.force_login(news_editor)
    data = admin_form(client, edit_url(about))
    data.update(standard("关于盘龙区云超市", "about", "五网融合"))
    client.post(edit_url(about), submit(data))
    assert "五网融合" in visit(client, approve(client, moderator, about))


# --- menus and settings (moderators) -------------------------------------------------------------------


def test_a_moderator_builds_the_main_menu(client, moderator, home_page, article_index):
    client.force_login(moderator)
    items = inline_formset(
        [
            {"label": "", "link_page": str(article_index.pk), "link_url": ""},
            {"label": "找服务", "link_page": "", "link_url": "/search/"},
        ]
    )
    data = nested_form_data({"name": "主菜单", "slug": "main", "items": items})
    response = client.post(reverse("wagtailsnippets_cms_menu:add"), data)
    assert response.status_code == 302

    menu = Menu.objects.get(slug="main")
    assert [(item.title, item.url) for item in menu.items.all()] == [
        ("新闻动态", article_index.url),
        ("找服务", "/search/"),
    ]
    html = visit(client, home_page)
    assert 'href="/search/"' in html and "找服务" in html

    edit = reverse("wagtailsnippets_cms_menu:edit", args=(menu.pk,))
    data = admin_form(client_as(client, moderator), edit, form_id="w-editor-form", **{"items-1-label": "查找服务"})
    assert client.post(edit, data).status_code == 302
    assert "查找服务" in visit(client, home_page)


def test_a_moderator_edits_the_site_settings(client, moderator, home_page):
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=("cms", "sitesettings", site.pk))
    client.force_login(moderator)
    data = admin_form(client, url, form_id="w-editor-form", hotline="0871-12345", footer_text="盘龙区人民政府主办")
    assert client.post(url, data).status_code == 302

    settings = SiteSettings.for_site(site)
    assert settings.hotline == "0871-12345"
    html = visit(client, home_page)
    assert "0871-12345" in html and "盘龙区人民政府主办" in html


def test_editors_cannot_change_menus_or_settings(client, health_editor, news_editor, home_page):
    site = Site.objects.get(is_default_site=True)
    for editor in (health_editor, news_editor):
        client.force_login(editor)
        for url in (
            reverse("wagtailsnippets_cms_menu:add"),
            reverse("wagtailsettings:edit", args=("cms", "sitesettings", site.pk)),
        ):
            response = client.get(url)
            assert response.status_code in (302, 403), url


def test_a_moderator_keeps_the_search_synonyms(client, moderator, health_editor):
    from search.models import Synonym

    url = reverse("wagtailsnippets_sitesearch_synonym:add")
    client.force_login(health_editor)
    assert client.get(url).status_code in (302, 403)

    client.force_login(moderator)
    assert client.post(url, {"terms": "家庭医生, 签约医生"}).status_code == 302
    assert Synonym.objects.filter(terms="家庭医生, 签约医生").exists()
