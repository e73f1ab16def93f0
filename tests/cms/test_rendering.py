"""Every page type as a visitor meets it: the words editors wrote, in the structure screen readers navigate by."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.services import add_offering, create_service
from cms.models import ArticlePage, DutyShift, FeaturedService, SectorIndexPage, ServicePage, StandardPage
from providers.models import Community, Street


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def visit(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def queries_for(client, url):
    # Once warm: a first visit makes each picture's renditions and fills Wagtail's caches, work done once.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def text(node):
    return " ".join(node.get_text(" ").split())


# --- Home page -------------------------------------------------------------------------


def test_home_page_shows_hero_search_sectors_and_featured_services(english, home_page, service_page, make_image):
    hero = make_image(title="盘龙江", description="盘龙江畔的社区服务站")
    home_page.hero_title = "办事不出社区"
    home_page.hero_text = "在家门口预约公共服务"
    home_page.hero_image = hero
    home_page.save()
    sector_page = service_page.get_parent().specific
    sector_page.intro = "<p>免费法律咨询、法律援助和人民调解</p>"
    sector_page.save()
    FeaturedService.objects.create(page=home_page, service=service_page)

    html = visit(english, "/")

    assert text(html.h1) == "办事不出社区"
    assert "在家门口预约公共服务" in text(html.find("section", class_="hero"))
    search = html.find("form", class_="hero-search")
    assert search["action"] == "/search/" and search["method"] == "get"
    assert html.find("label", attrs={"for": search.find("input")["id"]})
    assert html.find("img", alt="盘龙江畔的社区服务站")
    tile = html.find("ul", class_="sector-tiles").find("a")
    assert tile["href"] == sector_page.url and "法律服务" in text(tile) and "人民调解" in text(tile)
    featured = html.find(id="featured-title").find_parent("section")
    assert text(featured.h2) == "Featured services"
    assert featured.find("a", href=service_page.url).get_text() == "免费法律咨询"


def test_without_featured_services_the_home_page_shows_what_residents_book_most(english, home_page, service_page):
    html = visit(english, "/")
    section = html.find(id="featured-title").find_parent("section")
    assert text(section.h2) == "Services residents book most"
    assert section.find("a", href=service_page.url)


def test_latest_notices_are_dated_and_lead_to_all_notices(english, home_page, make_article):
    notice = make_article("关于春节期间服务时间调整的通知", kind=ArticlePage.Kind.NOTICE, day=timezone.localdate())
    make_article("拓东街道开展法治宣传活动", kind=ArticlePage.Kind.NEWS)
    make_article("尚未发布的通知", kind=ArticlePage.Kind.NOTICE, live=False)

    notices = visit(english, "/").find(id="notices-title").find_parent("section")

    links = [a.get_text() for a in notices.select("li a")]
    assert links == ["关于春节期间服务时间调整的通知"]
    assert notices.find("time")["datetime"] == notice.date.isoformat()
    assert notices.find("a", string="All notices")["href"] == notice.get_parent().url + "?kind=notice"


def test_a_chosen_community_shows_its_station_on_the_home_page(english, home_page, community_page):
    html = visit(english, "/")
    assert text(html.find(id="station-title")) == "Find your community station"
    form = html.find("form", class_="community-choice")
    assert form.find("optgroup", label="拓东街道").find("option", value=str(community_page.community_id))
    # "Use my location" is added by a script of ours; without it the list above does the job.
    assert html.find("p", attrs={"data-locate": True}).has_attr("hidden")
    assert html.find("script", src="/static/cms/locate.js")

    response = english.post(form["action"], {"community": community_page.community_id, "next": "/#station"})
    assert response.status_code == 302 and response["Location"] == "/#station"

    station = visit(english, "/").find(id="station")
    assert text(station.h2) == "Your community station"
    assert "金马社区便民服务站" in text(station)
    assert station.find("a", href="tel:0871-65550000")
    assert station.find("a", href=community_page.url)
    today = text(station.find("ul", class_="duty-today"))
    assert "Lawyer 李律师" in today
    assert ("Police officer 王警官" in today) == (timezone.localdate().weekday() == 0)


def test_choosing_a_community_never_redirects_off_the_site(client, home_page, community_page):
    response = client.post(
        "/community/choose/", {"community": community_page.community_id, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert client.get("/community/choose/").status_code == 405


def test_an_unknown_community_is_refused_with_a_message(english, home_page, community_page):
    english.post("/community/choose/", {"community": community_page.community_id})

    response = english.post("/community/choose/", {"community": "99999", "next": "/"}, follow=True)

    assert "Please choose your community from the list." in response.content.decode()
    # the earlier choice stands
    assert english.session["community"] == community_page.community_id


def test_a_position_picks_the_nearest_station(english, home_page, community_page, make_community_page, street):
    far = Community.objects.create(street=street, name="东华社区", slug="donghua")
    make_community_page(far, latitude="25.100000", longitude="102.750000", station_name="东华社区服务站")

    near_far = visit(english, "/", lat="25.099", lng="102.749").find(id="station")
    near_jinma = visit(english, "/", lat="25.041", lng="102.721").find(id="station")

    assert "东华社区服务站" in text(near_far)
    assert "金马社区便民服务站" in text(near_jinma)
    assert "Find your community station" in text(visit(english, "/", lat="north", lng="1").find(id="station"))


@pytest.mark.usefixtures("no_page_cache")
def test_home_page_queries_do_not_grow_with_notices_sectors_or_communities(
    client, home_page, community_page, make_article, make_community_page, sector
):
    from oscar.core.loading import get_model

    Category = get_model("catalogue", "Category")
    make_article(kind=ArticlePage.Kind.NOTICE)
    home_page.add_child(instance=SectorIndexPage(title=sector.name, slug=sector.slug, category=sector))
    few = queries_for(client, "/")

    for number in range(4):
        make_article(kind=ArticlePage.Kind.NOTICE)
        other = Category.add_root(name=f"领域{number}", slug=f"sector-{number}")
        home_page.add_child(instance=SectorIndexPage(title=other.name, slug=other.slug, category=other))
        street = Street.objects.create(name=f"街道{number}", slug=f"street-{number}", position=number + 2)
        make_community_page(Community.objects.create(street=street, name=f"社区{number}", slug=f"c-{number}"))
    many = queries_for(client, "/")

    assert many == few


# --- Service guide ----------------------------------------------------------------------


@pytest.fixture
def guide(service_page, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents.models import Document

    form = Document.objects.create(title="法律援助申请表", file=SimpleUploadedFile("apply.pdf", b"0" * 2048))
    form.get_file_size()  # as an upload in the CMS records it
    service_page.guide = [
        {"type": "who", "value": "<p>盘龙区常住居民</p>"},
        {
            "type": "materials",
            "value": [{"name": "居民身份证", "note": "原件"}, {"name": "户口簿", "note": ""}],
        },
        {
            "type": "steps",
            "value": [{"title": "预约时间", "detail": "在线选择时段"}, {"title": "到站咨询", "detail": ""}],
        },
        {"type": "fees", "value": "<p>免费</p>"},
        {
            "type": "legal_basis",
            "value": [{"law": "法律援助法", "article": "第二条", "url": "https://flk.npc.gov.cn/"}],
        },
        {"type": "faq", "value": [{"question": "需要带律师费吗？", "answer": "<p>不需要，全程免费。</p>"}]},
        {"type": "downloads", "value": [{"document": form.pk, "title": ""}]},
        {"type": "notes", "value": "<p>请提前十分钟到达</p>"},
    ]
    service_page.save_revision().publish()
    return service_page


def test_the_service_guide_has_a_heading_per_section(english, guide):
    html = visit(english, guide.url)

    headings = [text(h2) for h2 in html.select(".guide-section > h2")]
    assert headings == [
        "Who can apply",
        "Required materials",
        "Steps",
        "Fees",
        "Legal basis",
        "Questions and answers",
        "Downloads",
        "Good to know",
    ]
    assert [text(li) for li in html.select(".guide-materials li")] == ["居民身份证 (原件)", "户口簿"]
    assert [text(li.strong) for li in html.select("ol.guide-steps > li")] == ["预约时间", "到站咨询"]
    assert html.find("a", href="https://flk.npc.gov.cn/", string="法律援助法")
    faq = html.select_one(".guide-faq details")
    assert text(faq.summary) == "需要带律师费吗？" and "全程免费" in text(faq)
    download = html.select_one(".guide-downloads li")
    assert download.a.get_text() == "法律援助申请表"
    assert "(PDF, 2.0 KB)" in text(download)
    breadcrumb = [text(li) for li in html.select(".breadcrumb li")]
    assert breadcrumb == ["Home", "法律服务", "免费法律咨询"]


def test_a_service_with_no_open_slot_says_when_and_how_else(english, service_page, offering, make_slot, provider):
    provider.opening_notes = "工作日 9:00–17:00 可直接到站"
    provider.save()
    beyond = make_slot(offering, starts_in=timedelta(days=20))
    service_page.other_ways = "<p>拨打 12348 法律服务热线</p>"
    service_page.save_revision().publish()

    section = visit(english, service_page.url).find(id="slots-title").find_parent("section")

    opens = timezone.localtime(beyond.starts_at - timedelta(days=14))
    assert f"The next times open for booking on {opens:%Y-%m-%d %H:%M}" in text(section)
    assert "12348 法律服务热线" in text(section)
    contact = text(section.find("ul", class_="provider-contacts"))
    assert (
        "拓东街道公共法律服务工作站" in contact and "盘龙区拓东路 12 号" in contact and "工作日 9:00–17:00" in contact
    )
    assert section.find("a", href="tel:0871-63100000")
    assert not section.find(attrs={"name": "slot"})


def test_a_service_with_open_slots_shows_no_fallback(english, service_page, offering, make_slot):
    make_slot(offering, starts_in=timedelta(days=1))
    html = visit(english, service_page.url)
    assert html.find("button", attrs={"name": "slot"}) and not html.find(class_="no-slots")


# --- Articles -------------------------------------------------------------------------


def test_article_index_filters_by_kind_and_tag_and_says_which(english, article_index, make_article, make_image):
    picture = make_image(description="社区律师在广场上讲解法律")
    make_article("法律进社区", kind=ArticlePage.Kind.LEGAL_EDUCATION, tags=["法治宣传", "民法典"], feed_image=picture)
    make_article("民法典宣传月", kind=ArticlePage.Kind.NEWS, tags=["民法典"])
    make_article("停水通知", kind=ArticlePage.Kind.NOTICE)

    everything = visit(english, article_index.url)
    assert [a.get_text() for a in everything.select(".article-card h2 a")] == ["停水通知", "民法典宣传月", "法律进社区"]
    card = everything.find("a", string="法律进社区").find_parent("li")
    assert card.find("img", alt="社区律师在广场上讲解法律")
    assert "Legal education" in text(card) and card.find("time")
    assert card.find("a", href=f"{article_index.url}?tag=%E6%B3%95%E6%B2%BB%E5%AE%A3%E4%BC%A0")
    assert everything.find("a", string="All kinds")["aria-current"] == "true"

    tagged = visit(english, article_index.url, tag="民法典")
    assert [a.get_text() for a in tagged.select(".article-card h2 a")] == ["民法典宣传月", "法律进社区"]
    assert tagged.find("a", string="#民法典")["aria-current"] == "true"
    assert tagged.find("a", string="Show all articles")["href"] == article_index.url

    both = visit(english, article_index.url, tag="民法典", kind="news")
    assert [a.get_text() for a in both.select(".article-card h2 a")] == ["民法典宣传月"]
    news_link = both.find("a", string="News")
    assert news_link["aria-current"] == "true" and "tag=" in news_link["href"]


def test_article_pages_keep_the_filters(english, article_index, make_article):
    for number in range(12):
        make_article(f"法治宣传{number:02}", kind=ArticlePage.Kind.LEGAL_EDUCATION, tags=["普法"])
    make_article("不相关的新闻", kind=ArticlePage.Kind.NEWS, tags=["普法"])

    first = visit(english, article_index.url, tag="普法", kind="legal_education")
    assert len(first.select(".article-card")) == 10
    next_link = first.find("a", rel="next")["href"]
    assert "tag=%E6%99%AE%E6%B3%95" in next_link and "kind=legal_education" in next_link and "page=2" in next_link

    second = visit(english, article_index.url + next_link)
    titles = [a.get_text() for a in second.select(".article-card h2 a")]
    assert titles == ["法治宣传01", "法治宣传00"]
    assert second.find("a", attrs={"aria-current": "page"}).get_text() == "2"


def test_article_index_queries_do_not_grow_with_articles(client, article_index, make_article, make_image):
    make_article(tags=["普法"], feed_image=make_image())
    few = queries_for(client, article_index.url)
    for number in range(6):
        make_article(tags=["普法", f"标签{number}"], feed_image=make_image())
    assert queries_for(client, article_index.url) == few


def test_an_article_with_pictures_quote_media_and_a_consultation(
    english, article_index, make_article, make_image, make_media, service_page, offering
):
    figure = make_image(description="调解员与居民交谈")
    ornament = make_image(title="花边", description="花边装饰")
    video, audio = make_media("video", "调解小课堂"), make_media("audio", "法治广播")
    article = make_article(
        "邻里纠纷怎么办",
        kind=ArticlePage.Kind.LEGAL_EDUCATION,
        tags=["人民调解"],
        summary="遇到邻里纠纷，可以先找社区调解。",
        body=[
            {"type": "paragraph", "value": "<p>远亲不如近邻。</p>"},
            {"type": "image", "value": {"image": figure.pk, "decorative": False, "alt_text": "调解员在社区调解室"}},
            {"type": "image", "value": {"image": ornament.pk, "decorative": True, "alt_text": ""}},
            {"type": "quote", "value": {"text": "和为贵", "source": "《论语》"}},
            {"type": "video", "value": {"video": video.pk, "transcript": "<p>调解员介绍调解流程。</p>"}},
            {"type": "audio", "value": {"audio": audio.pk, "transcript": ""}},
            {"type": "consultation", "value": {"service": service_page.pk, "heading": "", "text": "律师帮您分析"}},
        ],
    )

    html = visit(english, article.url)

    assert text(html.h1) == "邻里纠纷怎么办"
    assert html.find("a", string="#人民调解")["href"] == f"{article_index.url}?tag=%E4%BA%BA%E6%B0%91%E8%B0%83%E8%A7%A3"
    body = html.find(class_="article__body")
    assert "远亲不如近邻" in text(body)
    images = body.select("figure img")
    assert [image["alt"] for image in images] == ["调解员在社区调解室", ""]
    assert text(body.blockquote) == "和为贵" and text(body.find("cite")) == "《论语》"
    player = body.find("video")
    assert player.has_attr("controls") and player["preload"] == "metadata"
    assert player.find("source")["type"] == "video/mp4"
    transcript = player.find_parent("figure").find("details")
    assert "调解员介绍调解流程" in text(transcript)
    assert body.find("audio").find("source")["type"] == "audio/mpeg"
    card = body.find("aside", class_="consultation-card")
    assert text(card.h2) == "Book a consultation on this topic"
    assert "律师帮您分析" in text(card) and "免费法律咨询" in text(card) and "Free" in text(card)
    assert card.find("a", href=service_page.url)


# --- Communities and plain pages ------------------------------------------------------


def test_community_index_lists_stations_street_by_street(english, community_index, community_page, make_community_page):
    other_street = Street.objects.create(name="鼓楼街道", slug="gulou", position=2)
    make_community_page(Community.objects.create(street=other_street, name="北京路社区", slug="beijinglu"))

    html = visit(english, community_index.url)

    streets = html.select("section.street")
    assert [text(section.h2) for section in streets] == ["拓东街道", "鼓楼街道"]
    assert streets[0].find("a", href=community_page.url).get_text() == "金马社区"
    assert "北京路社区" in text(streets[1])


def test_community_page_shows_station_duty_table_and_services_here(
    english, community_page, service_page, offering, make_slot
):
    make_slot(offering, starts_in=timedelta(days=1))
    elsewhere = create_service("社区健康讲座", service_page.sector())
    from oscar.core.loading import get_model

    Partner = get_model("partner", "Partner")
    other_community = Community.objects.create(street=community_page.community.street, name="东华社区", slug="dh")
    neighbour = Partner.objects.create(
        name="东华社区卫生站", code="dh-health", street=other_community.street, community=other_community
    )
    make_slot(add_offering(elsewhere, neighbour), starts_in=timedelta(days=2))

    html = visit(english, community_page.url)

    station = html.find(id="station-title").find_parent("section")
    assert "金马社区便民服务站" in text(station) and "周一至周五 9:00–17:00" in text(station)
    assert station.find("a", href="tel:0871-65550000")
    table = html.find("table", class_="duty-table")
    assert table.caption
    assert [th["scope"] for th in table.thead.find_all("th")] == ["col"] * 4
    monday = table.find("th", scope="rowgroup")
    assert text(monday) == "Monday" and monday["rowspan"] == "2"
    rows = [[text(cell) for cell in row.find_all("td")] for row in table.tbody.find_all("tr")]
    assert ["Police officer", "王警官", "14:00–17:00"] in rows
    assert len(rows) == 8
    here = html.find(id="here-title").find_parent("section")
    assert here.find("a", string="免费法律咨询")
    in_street = html.find(id="street-title").find_parent("section")
    assert text(in_street.h2) == "Elsewhere in 拓东街道" and in_street.find("a", string="社区健康讲座")


def test_make_this_my_community(english, home_page, community_page):
    form = visit(english, community_page.url).find("form", action="/community/choose/")
    assert form.find("button", string="Make this my community")

    english.post(form["action"], {"community": community_page.community_id, "next": community_page.url})

    assert "This is your community" in text(visit(english, community_page.url).find(id="station-title").parent)
    assert "金马社区便民服务站" in text(visit(english, "/").find(id="station"))


def test_community_page_queries_do_not_grow_with_shifts(client, community_page):
    few = queries_for(client, community_page.url)
    for day in range(7):
        for role in ("judge", "prosecutor"):
            DutyShift.objects.create(page=community_page, weekday=day, role=role, name="张法官", hours="9:00–12:00")
    assert queries_for(client, community_page.url) == few


def test_standard_page_shows_intro_and_body(english, home_page):
    page = home_page.add_child(
        instance=StandardPage(
            title="无障碍声明",
            slug="accessibility",
            intro="我们希望每位居民都能使用本站。",
            body=[{"type": "paragraph", "value": "<h2>我们做了什么</h2><p>支持读屏软件。</p>"}],
        )
    )
    html = visit(english, page.url)
    assert text(html.h1) == "无障碍声明"
    assert "我们希望每位居民都能使用本站" in text(html.find("main"))
    assert html.find("main").find("h2", string="我们做了什么")


def test_drafts_are_not_shown_to_visitors(client, article_index, make_article):
    draft = make_article("草稿", live=False)
    assert client.get(draft.url or f"{article_index.url}{draft.slug}/").status_code == 404


def test_service_page_is_the_guide_of_its_product(service_page):
    # the page and the product agree, so a list of products links to the guide
    assert service_page.product.get_absolute_url() == service_page.url
    assert isinstance(service_page, ServicePage)
