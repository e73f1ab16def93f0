"""The full-text side of ServiceDocument, which each database does its own way.

SQLite: an FTS5 table over the token columns, kept in step by triggers.
PostgreSQL: a generated tsvector column (title A, summary B, body C) with a
GIN index. The tokens are already cut by jieba, so neither parser splits
them further: FTS5's unicode61 splits only on spaces here, and PostgreSQL
takes the words as they are with array_to_tsvector.
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE sitesearch_fts USING fts5(
        title_tokens, summary_tokens, body_tokens,
        content='sitesearch_servicedocument', content_rowid='product_id')""",
    """CREATE TRIGGER sitesearch_fts_insert AFTER INSERT ON sitesearch_servicedocument BEGIN
        INSERT INTO sitesearch_fts(rowid, title_tokens, summary_tokens, body_tokens)
        VALUES (new.product_id, new.title_tokens, new.summary_tokens, new.body_tokens);
    END""",
    """CREATE TRIGGER sitesearch_fts_delete AFTER DELETE ON sitesearch_servicedocument BEGIN
        INSERT INTO sitesearch_fts(sitesearch_fts, rowid, title_tokens, summary_tokens, body_tokens)
        VALUES ('delete', old.product_id, old.title_tokens, old.summary_tokens, old.body_tokens);
    END""",
    """CREATE TRIGGER sitesearch_fts_update
        AFTER UPDATE OF title_tokens, summary_tokens, body_tokens ON sitesearch_servicedocument BEGIN
        INSERT INTO sitesearch_fts(sitesearch_fts, rowid, title_tokens, summary_tokens, body_tokens)
        VALUES ('delete', old.product_id, old.title_tokens, old.summary_tokens, old.body_tokens);
        INSERT INTO sitesearch_fts(rowid, title_tokens, summary_tokens, body_tokens)
        VALUES (new.product_id, new.title_tokens, new.summary_tokens, new.body_tokens);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER sitesearch_fts_update",
    "DROP TRIGGER sitesearch_fts_delete",
    "DROP TRIGGER sitesearch_fts_insert",
    "DROP TABLE sitesearch_fts",
]

POSTGRESQL = [
    """ALTER TABLE sitesearch_servicedocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(array_to_tsvector(string_to_array(title_tokens, ' ')), 'A')
        || setweight(array_to_tsvector(string_to_array(summary_tokens, ' ')), 'B')
        || setweight(array_to_tsvector(string_to_array(body_tokens, ' ')), 'C')
    ) STORED""",
    "CREATE INDEX sitesearch_document_vector ON sitesearch_servicedocument USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX sitesearch_document_vector",
    "ALTER TABLE sitesearch_servicedocument DROP COLUMN search_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("sitesearch", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
