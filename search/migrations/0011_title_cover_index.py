"""PostgreSQL: the title-length index holds each title's words and facets, so a relevance page never reads the table.

Relevance puts the services named for the words first, the shortest title first, and reads them from an
index on (title length, popularity, id) until the page is full, testing each title for the words. A broad
word's page 50 tested 29,251 titles to find its 1,000 (a third of them in the heap: 36 ms on the bench's
100,000 services). With the title and its vector in the index (INCLUDE), the same scan reads the index
alone: 6.7 ms. With the facets there too, a filtered search does the same: 咨询 in one sector and street,
free only, read 6,526 rows of the table to find 229 (14.6 ms in the bench) and now reads 11,946 index
entries (2.2 ms). The index grows from 5.5 to 32 MB there. Only the PostgreSQL backend reads titles in
this order (search.backends.database), so SQLite drops the old index and gets none."""

from django.db import migrations

INDEX = "search_doc_title_cover"
TABLE = "sitesearch_servicedocument"
# The title and its words, and the facets a page is filtered by (not the providers: a long list each).
INCLUDED = ("title", "title_vector", "is_free", "mode", "categories", "streets", "communities")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {TABLE} "
            f"(LENGTH(title), popularity DESC, product_id) INCLUDE ({', '.join(INCLUDED)})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = [("sitesearch", "0010_small_gin_pending_lists")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.RemoveIndex(model_name="servicedocument", name="search_doc_title_length"),
    ]
