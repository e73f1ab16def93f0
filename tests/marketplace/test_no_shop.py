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
    confirming = choose(client, offering.product, chosen)
    assert confirming.request["PATH_INFO"] == reverse("checkout:preview")
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


@pytest.mark.parametrize(
    ("url", "leads_to"),
    [
        ("/shop/accounts/", "/shop/accounts/my-data/"),
        ("/shop/accounts/profile/", "/shop/accounts/my-data/"),
        ("/shop/accounts/orders/", "/shop/accounts/bookings/"),
        ("/shop/accounts/orders/ABC123/", "/shop/accounts/bookings/"),
        ("/shop/accounts/notifications/inbox/", "/shop/accounts/notices/"),
        ("/shop/accounts/emails/", "/shop/accounts/notices/"),
        ("/shop/basket/", "/shop/accounts/bookings/"),  # nothing chosen
        ("/shop/accounts/addresses/", None),
        ("/shop/accounts/addresses/add/", None),
        ("/shop/accounts/alerts/", None),
        ("/shop/accounts/wishlists/", None),
        ("/shop/wishlists/some-key/", None),
        ("/shop/basket/saved/", None),
        ("/shop/basket/vouchers/add/", None),
        ("/shop/offers/", None),
    ],
)
def test_oscars_shop_addresses_lead_to_the_residents_own_pages_or_are_gone(client, resident, home_page, url, leads_to):
    client.force_login(resident)
    response = client.get(url)
    if leads_to is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response.url == leads_to


def choose(client, service, slot):
    """A "Book" button of the service page, followed as a browser follows it (to the confirmation page)."""
    return client.post(
        reverse("basket:add", kwargs={"pk": service.pk}),
        {"quantity": 1, "slot": slot.pk, "next": reverse("checkout:index")},
        follow=True,
    )


def test_change_on_the_confirmation_page_returns_to_the_services_times_and_a_new_time_replaces_the_old(
    client, resident, service_page, service, offering, make_slot
):
    first, second = make_slot(offering, starts_in=timedelta(days=2)), make_slot(offering, starts_in=timedelta(days=3))
    client.force_login(resident)
    preview = choose(client, service, first).content.decode()
    times = f"{service_page.url}#slots-title"
    assert f'href="{times}"' in preview
    assert client.get("/shop/basket/").url == times  # Oscar's basket leads there too

    choose(client, service, second)
    (basket,) = resident.baskets.filter(status="Open")
    assert [line.attributes.get(option__code="slot").value for line in basket.all_lines()] == [str(second.pk)]
    client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert [booking.slot_id for booking in resident.bookings.all()] == [second.pk]


def test_a_time_chosen_before_signing_in_is_kept_without_a_word_of_baskets(
    client, resident, service_page, service, offering, make_slot
):
    earlier, chosen = make_slot(offering, starts_in=timedelta(days=2)), make_slot(offering, starts_in=timedelta(days=3))
    client.force_login(resident)
    choose(client, service, earlier)  # left in the account's basket on an earlier visit
    client.logout()
    choose(client, service, chosen)  # signed out: checkout asks to sign in first
    client.cookies["django_language"] = "en"
    signed_in = client.post(
        reverse("customer:login") + "?next=" + reverse("checkout:index"),
        {
            "login-username": resident.email,
            "login-password": PASSWORD,
            "login-redirect_url": reverse("checkout:index"),
            "login_submit": "1",
        },
        follow=True,
    )
    _links, text = read(signed_in.content.decode())
    assert signed_in.request["PATH_INFO"] == reverse("checkout:preview")
    assert "merged" not in text and "basket" not in text.lower()
    (basket,) = resident.baskets.filter(status="Open")
    assert [line.attributes.get(option__code="slot").value for line in basket.all_lines()] == [str(chosen.pk)]


def test_after_confirming_the_back_button_leads_to_my_bookings_not_an_empty_basket(client, resident, home_page):
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("checkout:preview"), follow=True)
    assert response.request["PATH_INFO"] == reverse("my-bookings")
    assert "No time is waiting to be confirmed" in response.content.decode()


def test_the_login_page_says_denglu_as_the_header_does(client, home_page):
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("customer:login")).content.decode()
    assert "登录" in html
    assert "登陆" not in html
