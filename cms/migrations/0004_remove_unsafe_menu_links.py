from django.db import migrations


def remove_unsafe_menu_links(apps, schema_editor):
    """A menu link stored before MenuItem.link_url had its rule (javascript:, data:, vbscript: …)
    is taken out of its menu: it could only run script in a resident's browser. The menus'
    other links stay; the menu tag would leave such a link out anyway."""
    from marketplace.links import link_problem

    MenuItem = apps.get_model("cms", "MenuItem")
    unsafe = [item.pk for item in MenuItem.objects.exclude(link_url="") if link_problem(item.link_url)]
    MenuItem.objects.filter(pk__in=unsafe).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_menu_links_are_safe")]

    operations = [migrations.RunPython(remove_unsafe_menu_links, migrations.RunPython.noop)]
