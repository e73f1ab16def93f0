"""PostgreSQL: the text indexes take new words into a pending list of at most 256 kB, not 4 MB.

A GIN index collects the words of rows written since the last VACUUM in a list that every search
reads through, page by page, before the index proper. At the default 4 MB that is up to 512 pages:
on the bench database of 100,000 services, after editors' changes had filled it (514 pages, 13,900
entries), looking up 免费法律咨询 in the title index took 7.5 ms against 1.5 ms right after a
VACUUM. At 256 kB a search reads at most 32 pending pages; writing costs the same (re-indexing
3,000 services: 8.3 s at 4 MB, 7.9 and 8.6 s at 256 kB).
"""

from django.db import migrations

INDEXES = ("sitesearch_document_vector", "sitesearch_title_vector")


def pending_limit(kilobytes):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for index in INDEXES:
            if kilobytes is None:
                schema_editor.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
            else:
                schema_editor.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = {kilobytes})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("sitesearch", "0009_sectors_in_tree_order")]

    operations = [migrations.RunPython(pending_limit(256), pending_limit(None))]
