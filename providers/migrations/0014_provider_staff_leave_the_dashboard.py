"""Provider staff work in the provider console only: they lose every door into Oscar's dashboard.

Oscar lets in ``is_staff`` users and holders of ``partner.dashboard_access``; the demo and
earlier set-ups gave provider staff the permission. Nothing needs the permission any more
(``providers.staff.may_use_the_dashboard``), so no user or group keeps it, and a provider's
staff member who is not a superuser is no longer ``is_staff`` either. Not reversible in
substance: who had it is not recorded, so going back grants nothing.
"""

from django.db import migrations


def leave_the_dashboard(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Partner = apps.get_model("partner", "Partner")
    User = apps.get_model("users", "User")
    access = Permission.objects.filter(content_type__app_label="partner", codename="dashboard_access").first()
    if access is not None:
        access.user_set.clear()
        access.group_set.clear()
    provider_staff = Partner.users.through.objects.values("user_id")
    User.objects.filter(pk__in=provider_staff, is_staff=True, is_superuser=False).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("partner", "0013_community_centre_and_population"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("users", "0005_user_elderly_mode"),
    ]

    operations = [migrations.RunPython(leave_the_dashboard, migrations.RunPython.noop)]
