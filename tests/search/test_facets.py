"""Filters, facets, sorting and pages: the one search interface, on the fixed corpus."""

from datetime import timedelta

from django.utils import timezone, translation

from search.services import ServiceQuery, search_services
from tests.search.conftest import open_slot


def search(**fields):
    return search_services(ServiceQuery(**fields))


def counts(result, facet):
    return {choice["value"]: choice["count"] for choice in result.facets[facet]}


def selected(result, facet):
    return [choice["value"] for choice in result.facets[facet] if choice["selected"]]


def titles(result):
    return [hit.product.title for hit in result.hits]


def test_without_filters_every_public_service_is_counted_per_facet(corpus):
    result = search()

    assert result.count == 12
    assert counts(result, "category") == {"legal": 4, "health": 4, "social": 2, "culture": 2, "education": 0}
    assert counts(result, "street") == {"tuodong": 6, "gulou": 6}
    assert counts(result, "free") == {"true": 9, "false": 3}
    # A service offered both ways counts for each mode.
    assert counts(result, "mode") == {"onsite": 11, "online": 2}
    assert "community" not in result.facets


def test_a_facet_counts_with_the_other_filters_but_not_its_own(corpus):
    result = search(streets=("gulou",), free=True)

    assert sorted(titles(result)) == sorted(["人民调解", "儿童预防接种", "少儿英语角 English Corner"])
    # Streets: free services in each street, the street filter left out.
    assert counts(result, "street") == {"tuodong": 6, "gulou": 3}
    # Free or paid: services of Gulou, the free filter left out.
    assert counts(result, "free") == {"true": 3, "false": 3}
    assert selected(result, "street") == ["gulou"]
    assert selected(result, "free") == ["true"]
    # With a street chosen, its communities become a facet.
    assert counts(result, "community") == {"gulou-baita": 3}


def test_several_values_of_one_facet_are_alternatives(corpus):
    both = search(categories=("legal", "culture"))
    legal = search(categories=("legal",))

    assert both.count == 6
    assert legal.count == 4
    assert selected(both, "category") == ["legal", "culture"]


def test_a_category_includes_its_sub_categories(corpus):
    assert search(categories=("health",)).count == 4
    assert sorted(titles(search(categories=("checkup",)))) == sorted(["65岁以上老年人免费健康体检", "入职健康检查"])


def test_unknown_slugs_find_nothing_rather_than_everything(corpus):
    assert search(streets=("atlantis",)).count == 0
    assert search(categories=("nowhere",)).count == 0


def test_community_and_provider_filters(corpus):
    gulou_health = corpus.providers["gulou-health"]

    assert search(communities=("tuodong-jinma",)).count == 6
    assert sorted(titles(search(providers=(str(gulou_health.pk),)))) == ["儿童预防接种", "入职健康检查"]


def test_mode_filter(corpus):
    online = search(modes=("online",))

    assert sorted(titles(online)) == ["城乡居民基本医疗保险参保缴费", "家庭医生签约"]
    assert search(modes=("onsite", "online")).count == 12


def test_available_within_days_and_soonest_first(corpus):
    open_slot(corpus["人民调解"], starts_in=timedelta(days=5))
    open_slot(corpus["公证预约"], starts_in=timedelta(days=1))
    open_slot(corpus["书法培训班"], starts_in=timedelta(days=20))

    assert titles(search(available_within_days=7, sort="soonest")) == ["公证预约", "人民调解"]
    # Soonest first puts services without a bookable slot last: 书法培训班's slot lies beyond the
    # 14 days its bookings open ahead, so nobody can book it yet and it is not its next free slot.
    everything = titles(search(sort="soonest"))
    assert everything[:2] == ["公证预约", "人民调解"]
    assert "书法培训班" not in titles(search(available_within_days=30))
    assert len(everything) == 12


def test_a_full_slot_does_not_count_as_available(corpus):
    open_slot(corpus["人民调解"], starts_in=timedelta(days=1), capacity=1, num_booked=1)

    assert search(available_within_days=7).count == 0


def test_newest_first(corpus):
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    Product.objects.filter(pk=corpus["书法培训班"].pk).update(date_created=timezone.now() + timedelta(days=1))
    corpus["书法培训班"].save()  # reindexed

    assert titles(search(sort="newest"))[0] == "书法培训班"


def test_pages_split_the_results_without_losing_or_repeating_any(corpus):
    pages = [search(page=number, page_size=5) for number in (1, 2, 3)]

    assert [len(page.hits) for page in pages] == [5, 5, 2]
    assert all(page.count == 12 and page.num_pages == 3 for page in pages)
    seen = [title for page in pages for title in titles(page)]
    assert sorted(seen) == sorted(corpus.services)
    assert search(page=9, page_size=5).hits == []


def test_text_and_facets_together(corpus):
    result = search(q="免费", streets=("tuodong",))

    assert set(titles(result)) == {"免费法律咨询", "法律援助申请", "65岁以上老年人免费健康体检"}
    assert counts(result, "category")["legal"] == 2


def test_hits_carry_price_and_next_open_slot(corpus):
    slot = open_slot(corpus["公证预约"], starts_in=timedelta(days=3))

    hit = search(q="公证").hits[0]

    assert hit.product.min_price == 200
    assert hit.product.next_slot_at == slot.starts_at


def test_hidden_services_are_not_found(corpus):
    service = corpus["书法培训班"]
    service.is_public = False
    service.save()

    assert search(q="书法").count == 0
    assert search().count == 11


def labels(result, facet):
    return {choice["value"]: choice["label"] for choice in result.facets[facet]}


def test_facets_name_sectors_streets_and_communities_as_they_are_now(corpus):
    from providers.models import Community, Street

    before = search(streets=("gulou",))
    assert labels(before, "street")["gulou"] == "鼓楼街道"
    assert labels(before, "community") == {"gulou-baita": "白塔社区"}

    # The names are kept between searches; an edit shows at the next search, not a minute later.
    gulou = Street.objects.get(slug="gulou")
    gulou.name = "鼓楼街道办事处"
    gulou.save()
    Community.objects.create(slug="gulou-xinan", street=gulou, name="西南社区")
    legal = corpus.categories["legal"]
    legal.name_en = "Legal affairs"
    legal.save()

    after = search(streets=("gulou",))
    assert labels(after, "street")["gulou"] == "鼓楼街道办事处"
    assert labels(after, "community") == {"gulou-baita": "白塔社区", "gulou-xinan": "西南社区"}
    with translation.override("en"):
        assert labels(search(), "category")["legal"] == "Legal affairs"
