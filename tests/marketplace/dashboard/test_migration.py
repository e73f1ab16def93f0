"""Provider staff set up before the console lose their way into Oscar's dashboard; the administrator keeps it.

The migration's function runs on today's schema: it reads and writes only users, groups, permissions and
providers' staff, whose tables it meets as they are now. Migrating the test database back to before it and
forward again, for the same assertions, took 108 s of a parallel run (2026-12-06, three workers on two cores).
"""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

migration = import_module("providers.migrations.0014_provider_staff_leave_the_dashboard")


@pytest.mark.django_db
def test_provider_staff_lose_the_dashboard_and_the_administrator_keeps_it(client, provider, staff, admin_user):
    access = Permission.objects.get(content_type__app_label="partner", codename="dashboard_access")
    group = Group.objects.create(name="Provider staff (old)")
    group.permissions.add(access)
    staff.user_permissions.add(access)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    colleague = get_user_model().objects.create_user(email="colleague@tuodong.example", password=None, name="同事")
    colleague.groups.add(group)
    provider.users.add(colleague)
    migration.leave_the_dashboard(apps, schema_editor=None)  # it changes rows only, never the schema

    User = get_user_model()
    staff, colleague, admin = (User.objects.get(pk=user.pk) for user in (staff, colleague, admin_user))
    assert not staff.is_staff and not staff.has_perm("partner.dashboard_access")
    assert not colleague.has_perm("partner.dashboard_access")
    assert admin.is_staff and admin.is_superuser
    client.force_login(staff)
    assert client.get("/shop/dashboard/").status_code == 403
    client.force_login(admin)
    assert client.get("/shop/dashboard/", follow=True).status_code == 200  # the operations view
