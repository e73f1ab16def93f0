"""Pages of the editors' site as visitors meet them: articles, notices, community stations, pictures and media."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def make_image(media_root):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    def make(title="社区律师", description="律师在社区工作站为居民解答问题"):
        return Image.objects.create(title=title, description=description, file=get_test_image_file())

    return make


@pytest.fixture
def make_media(media_root):
    """A wagtailmedia video or audio file (a few bytes: the browser, not the test, would play it)."""
    from wagtailmedia.models import get_media_model

    Media = get_media_model()

    def make(kind="video", title="社区律师讲解《民法典》"):
        name = "talk.mp4" if kind == "video" else "talk.mp3"
        return Media.objects.create(title=title, type=kind, file=SimpleUploadedFile(name, b"\x00" * 64))

    return make


@pytest.fixture
def article_index(home_page):
    from cms.models import ArticleIndexPage

    return publish(
        home_page.add_child(instance=ArticleIndexPage(title="新闻动态", slug="news", intro="<p>区里的新闻</p>"))
    )


@pytest.fixture
def make_article(article_index):
    from cms.models import ArticlePage

    made = []

    def make(title=None, kind=ArticlePage.Kind.NEWS, day=None, tags=(), body=(), live=True, **fields):
        made.append(None)
        number = len(made)
        article = ArticlePage(
            title=title or f"盘龙区新闻{number}",
            slug=f"article-{number}",
            kind=kind,
            date=day or date(2026, 5, 1) + timedelta(days=number),
            body=list(body),
            live=live,
            **fields,
        )
        article.tags.add(*tags)
        article_index.add_child(instance=article)
        return article

    return make


@pytest.fixture
def community_index(home_page):
    from cms.models import CommunityIndexPage

    return publish(home_page.add_child(instance=CommunityIndexPage(title="社区服务站", slug="communities")))


@pytest.fixture
def make_community_page(community_index):
    from cms.models import CommunityPage

    def make(community, shifts=(), **fields):
        fields.setdefault("station_name", f"{community.name}便民服务站")
        fields.setdefault("address", f"盘龙区{community.name}路 1 号")
        fields.setdefault("phone", "0871-65550000")
        fields.setdefault("hours", "周一至周五 9:00–17:00")
        page = CommunityPage(title=community.name, slug=community.slug, community=community, **fields)
        for weekday, role, name, hours in shifts:
            page.duty_shifts.add(page.duty_shifts.model(weekday=weekday, role=role, name=name, hours=hours))
        return community_index.add_child(instance=page)

    return make


@pytest.fixture
def community_page(make_community_page, community):
    """金马社区's station with a lawyer on duty every day and a police officer on Mondays."""
    shifts = [(day, "lawyer", "李律师", "9:00–11:30") for day in range(7)] + [(0, "police", "王警官", "14:00–17:00")]
    return make_community_page(community, shifts=shifts, latitude="25.040000", longitude="102.720000")
