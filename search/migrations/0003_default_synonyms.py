"""The synonyms every district starts with; editors change them in the admin (Snippets → Synonyms)."""

from django.db import migrations

DEFAULT_SYNONYMS = (
    "律师, 法律顾问",
    "体检, 健康检查",
    "社保, 社会保险",
    "老人, 老年人, 长者",
    "医保, 医疗保险",
    "养老金, 养老保险",
    "孩子, 儿童, 少儿",
    "打官司, 诉讼",
)


def add(apps, schema_editor):
    Synonym = apps.get_model("sitesearch", "Synonym")
    for terms in DEFAULT_SYNONYMS:
        Synonym.objects.get_or_create(terms=terms)


def remove(apps, schema_editor):
    apps.get_model("sitesearch", "Synonym").objects.filter(terms__in=DEFAULT_SYNONYMS).delete()


class Migration(migrations.Migration):
    dependencies = [("sitesearch", "0002_fulltext")]

    operations = [migrations.RunPython(add, remove)]
