"""A document's sectors in the category tree's order, as search.documents now writes them.

A list names one sector of a service filed under several: the first. The search page used to take the
first by slug and the API the first in the tree; both now read the document, so its order has to be the tree's.
"""

from django.db import migrations


def sectors_in_tree_order(apps, schema_editor):
    Category = apps.get_model("catalogue", "Category")
    ServiceDocument = apps.get_model("sitesearch", "ServiceDocument")
    path_of = dict(Category.objects.filter(depth=1).values_list("slug", "path"))
    changed = []
    for document in ServiceDocument.objects.only("product_id", "sectors").iterator(chunk_size=2000):
        ordered = sorted(document.sectors, key=lambda slug: path_of.get(slug, ""))
        if ordered != document.sectors:
            document.sectors = ordered
            changed.append(document)
    ServiceDocument.objects.bulk_update(changed, ["sectors"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("sitesearch", "0008_title_length_index"),
        ("catalogue", "0037_eligibility_rules"),
    ]

    operations = [migrations.RunPython(sectors_in_tree_order, migrations.RunPython.noop)]
