"""Documents written before the sectors kept the tree's order get it on upgrade (sitesearch 0009)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from oscar.core.loading import get_model

from search.models import ServiceDocument

Category = get_model("catalogue", "Category")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_an_old_document_of_a_service_in_two_sectors_names_the_first_in_the_tree(service):
    health = Category.add_root(name="医疗健康", slug="health")
    service.categories.add(health)
    # As the search used to write it: sorted by slug.
    ServiceDocument.objects.filter(product=service).update(sectors=["health", "legal"])
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    migrate([("sitesearch", "0008_title_length_index")])
    migrate(latest)

    assert ServiceDocument.objects.get(product=service).sectors == ["legal", "health"]
