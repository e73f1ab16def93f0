"""No shop anywhere a resident goes (issue 19, item 1).

A signed-in resident follows every link of this site reachable from the home page and their own
pages, as a person clicking around would (GET, same host), in Chinese and in English; no page may
speak of a basket, coupon, shipping, wish list, address book, product or order, and no Chinese page
may carry an English sentence. Oscar's shop addresses lead to the resident's own pages or are gone.
"""

import re
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import reverse

from marketplace.booking import services, waitlist
from marketplace.users.services import add_dependant
from tests.conftest import PASSWORD

SHOP_WORDS = {
    "zh-hans": [
        "购物车",
        "优惠券",
        "优惠",
        "配送",
        "运费",
        "愿望单",
        "心愿单",
        "地址簿",
        "商品",
        "订单",
        "结账",
        "库存",
    ],
    "en": [
        r"\bbasket",
        r"\bvouchers?\b",
        r"\bcoupons?\b",
        r"\bshipping\b",
        r"\bwish ?lists?\b",
        r"\baddress book\b",
        r"\bproducts?\b",
        r"\borders?\b",
        r"\bcheckout\b",
        r"\bin stock\b",
    ],
}
# Four Latin words in a row on a Chinese page is an English sentence left untranslated
# (a name like "Panlong" or an address like "resident@example.com" is not).
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){3,}")

# Not a resident's pages: staff doors, files, machine answers, switches that only take a POST.
NOT_FOLLOWED = (
    "/cms/",
    "/django-admin/",
    "/provider/",
    "/shop/dashboard/",
    "/api/",
    "/static/",
    "/media/",
    "/documents/",
    "/i18n/",
    "/elderly-mode/",
    "/shop/accounts/logout/",
    "/sitemap.xml",
    "/robots.txt",
)
MAX_PAGES = 150


class Page(HTMLParser):
    """The links and the visible text (title included) of an HTML page."""

    def __init__(self):
        super().__init__()
        self.links, self.text, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def read(html):
    page = Page()
    page.feed(html)
    return page.links, " ".join(page.text)


def followed(href):
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    parts = urlsplit(href)
    if parts.netloc and parts.netloc not in ("testserver", "localhost"):
        return None
    url = urldefrag(parts.path + (f"?{parts.query}" if parts.query else ""))[0]
    if not url.startswith("/") or url.startswith(NOT_FOLLOWED) or "download" in url:
        return None
    return url


def problems_on(text, language):
    found = [word for word in SHOP_WORDS[language] if re.search(word, text, re.IGNORECASE)]
    if language == "zh-hans":
        found += [f"English: {match.group(0)!r}" for match in ENGLISH_SENTENCE.finditer(text)]
    return found


def crawl(client, starts, language):
    """Every page reachable from ``starts``: {url: [problems]} for the pages with any."""
    client.cookies["django_language"] = language
    queue, seen, problems = deque(starts), set(starts), {}
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), f"{url} answered {response.status_code}"
        if "html" not in response.get("Content-Type", ""):
            continue
        links, text = read(response.content.decode())
        found = problems_on(text, language)
        if found:
            problems[url] = found
        for href in links:
            target = followed(href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return problems, seen


@pytest.fixture
def residents_world(client, resident, other_resident, service_page, offering, make_slot):
    """A resident with what residents have: a booking, a place in a waiting line, a person they
    book for, and a time chosen and waiting to be confirmed."""
    booking = services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk)
    full = make_slot(offering, starts_in=timedelta(days=3), capacity=1)
    services.book(other_resident, full.pk)
    waitlist.join(resident, full.pk)
    add_dependant(resident, "张小明", "child")
    client.login(email=resident.email, password=PASSWORD)
    chosen = make_slot(offering, starts_in=timedelta(days=5))
    client.post(reverse("basket:add", kwargs={"pk": offering.product_id}), {"quantity": 1, "slot": chosen.pk})
    return booking


MY_PAGES = [
    "/",
    "/shop/accounts/",
    "/shop/accounts/bookings/",
    "/shop/accounts/dependants/",
    "/shop/accounts/notices/",
    "/shop/accounts/my-data/",
    "/shop/checkout/preview/",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_resident_meets_no_shop_on_any_page_they_can_reach(client, residents_world, language):
    problems, seen = crawl(client, MY_PAGES, language)
    assert f"/shop/accounts/bookings/{residents_world.code}/" in seen  # the crawl reached the resident's own pages
    assert problems == {}
