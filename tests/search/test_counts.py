"""The counts a search shows are kept for a while (search.counts) but never shown stale: every change shows."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.services import add_offering, create_service
from search.services import ServiceQuery, search_services


def search(**fields):
    return search_services(ServiceQuery(**fields))


def counts(result, facet):
    return {choice["value"]: choice["count"] for choice in result.facets[facet]}


def titles(result):
    return [hit.product.title for hit in result.hits]


def counting_statements(work):
    """How many statements ``work`` sends that count the matches (GROUP BY or COUNT)."""
    with CaptureQueriesContext(connection) as captured:
        work()
    return sum(1 for query in captured.captured_queries if "GROUP BY" in query["sql"] or "COUNT(" in query["sql"])


@pytest.mark.django_db(transaction=True)
def test_counts_follow_a_service_added_changed_and_deleted(corpus):
    # Committed for real: the counts kept by the first searches must give way when each change commits.
    before = search(q="法律")
    streets, free = counts(before, "street"), counts(before, "free")
    sector = search(categories=("legal",)).count

    lecture = create_service("法律讲座", corpus.categories["legal"], summary="民法典进社区")
    add_offering(lecture, corpus.providers["gulou-legal"], Decimal("0"))

    after = search(q="法律")
    assert after.count == before.count + 1
    assert "法律讲座" in titles(after)
    assert counts(after, "street") == {**streets, "gulou": streets["gulou"] + 1}
    assert counts(after, "free") == {**free, "true": free["true"] + 1}
    assert search(categories=("legal",)).count == sector + 1

    # A price put on it: the free facet moves, the total does not.
    offering = lecture.stockrecords.get()
    offering.price = Decimal("30")
    offering.save()
    priced = search(q="法律")
    assert priced.count == before.count + 1
    assert counts(priced, "free") == {"true": free["true"], "false": free["false"] + 1}

    lecture.delete()
    gone = search(q="法律")
    assert gone.count == before.count
    assert counts(gone, "street") == streets
    assert search(categories=("legal",)).count == sector


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_leaves_the_counts_as_they_were(corpus):
    found = search(q="法律").count

    with pytest.raises(RuntimeError), transaction.atomic():
        create_service("法律讲座", corpus.categories["legal"], summary="民法典进社区")
        # Inside the change, its own searches see it.
        assert search(q="法律").count == found + 1
        raise RuntimeError("the editor's save failed")

    assert search(q="法律").count == found


def test_a_transaction_sees_the_documents_it_wrote(corpus):
    # The whole test is one transaction that never commits: its searches must not read counts kept before.
    found = search(q="体检").count
    create_service("学生体检", corpus.categories["health"], summary="新生入学体检")
    assert search(q="体检").count == found + 1


@pytest.mark.django_db(transaction=True)
def test_the_pages_of_one_search_count_once(corpus):
    assert counting_statements(lambda: search(q="法律", page_size=1)) == 1
    # The next page, another order, a service's next open slot: the same counts, not counted again.
    assert counting_statements(lambda: search(q="法律", page_size=1, page=2)) == 0
    assert counting_statements(lambda: search(q="法律", page_size=1, sort="newest")) == 0
    # Other filters are another search.
    assert counting_statements(lambda: search(q="法律", page_size=1, free=True)) == 1


@pytest.mark.django_db(transaction=True)
def test_searches_by_open_place_are_always_counted_afresh(corpus):
    # Time passing changes them without any document being written.
    assert counting_statements(lambda: search(available_within_days=7)) == 1
    assert counting_statements(lambda: search(available_within_days=7)) == 1


@pytest.mark.parametrize("q", ["法律", "服务", "", "社会保险"])
@pytest.mark.parametrize("sort", ["relevance", "newest", "soonest"])
def test_pages_put_together_are_the_whole_list(corpus, q, sort):
    # The page is found with LIMIT/OFFSET in one or two statements: no service lost or repeated at a boundary.
    whole = titles(search(q=q, sort=sort, page_size=100, facets=False))
    assert whole
    pages = []
    for page in range(1, len(whole) + 1):
        pages += titles(search(q=q, sort=sort, page=page, page_size=2, facets=False))
        if len(pages) >= len(whole):
            break
    assert pages == whole
