"""PostgreSQL: keep the search rows narrow so a broad search reads little.

Measured at 100,000 services (BENCHMARKS.md, Search): with the token text
and the full tsvector stored in the row, a search matching most services
read 120 MB of rows and spent half its time unpacking vectors. Here the
tokens and the full vector live out of line (TOAST) and are only read
through the GIN index, while a small title-only vector, used to rank
services named for the query first, and the facet lists stay in the row.
Existing rows keep their old layout until ``rebuild_search_index`` rewrites
them.
"""

from django.db import migrations

POSTGRESQL = [
    "ALTER TABLE sitesearch_servicedocument SET (toast_tuple_target = 128)",
    *(
        f"ALTER TABLE sitesearch_servicedocument ALTER COLUMN {column} SET STORAGE EXTERNAL"
        for column in ("search_vector", "title_tokens", "summary_tokens", "body_tokens")
    ),
    """ALTER TABLE sitesearch_servicedocument ADD COLUMN title_vector tsvector
        GENERATED ALWAYS AS (array_to_tsvector(string_to_array(title_tokens, ' '))) STORED""",
    *(
        f"ALTER TABLE sitesearch_servicedocument ALTER COLUMN {column} SET STORAGE PLAIN"
        for column in ("title_vector", "categories", "sectors", "streets", "communities", "providers")
    ),
]
POSTGRESQL_REVERSE = [
    "ALTER TABLE sitesearch_servicedocument DROP COLUMN title_vector",
    "ALTER TABLE sitesearch_servicedocument RESET (toast_tuple_target)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("sitesearch", "0003_default_synonyms")]

    operations = [migrations.RunPython(run(POSTGRESQL), run(POSTGRESQL_REVERSE))]
