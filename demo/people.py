"""The demo's named accounts: the resident 张丽, the administrator, editors, moderators and provider staff.

The pool of residents with a history is made with the history (``demo.history``)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission

from cms import editorial
from demo import data as demo_data
from providers.models import Community


def editorial_group(role, categories):
    if role == demo_data.NEWS:
        name = editorial.NEWS_EDITORS
    elif role == demo_data.MODERATION:
        name = editorial.MODERATORS
    else:
        name = editorial.sector_editors_name(categories[role])
    return Group.objects.get(name=name)


def seed_users(providers, categories):
    """Demo accounts. Passwords are set only when an account is created."""
    User = get_user_model()
    moderate_rating = Permission.objects.get(content_type__app_label="ratings", codename="moderate_rating")
    take_calls = Permission.objects.get(content_type__app_label="hotline", codename="take_calls")
    created = 0
    demo_hash = None
    for person in demo_data.USERS:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            if demo_hash is None:
                # One hash for the one demo password: hashing is slow on purpose, a second each.
                demo_hash = make_password(demo_data.DEMO_PASSWORD)
            user = User.objects.create_user(email=person.email, password=None, name=person.name, phone=person.phone)
            user.password = demo_hash
            user.is_staff, user.is_superuser = person.is_staff, person.is_superuser
            user.save(update_fields=["password", "is_staff", "is_superuser"])
            created += 1
        if person.birth_date and user.birth_date is None:
            # What the services' eligibility rules read; recorded once, then the resident's own.
            user.birth_date = date.fromisoformat(person.birth_date)
            user.home_community = Community.objects.get(slug=person.community)
            user.save(update_fields=["birth_date", "home_community"])
        if person.provider:
            # The provider console is their door; Oscar's dashboard is not (providers.staff).
            providers[person.provider].users.add(user)
        for group in Group.objects.filter(name__in=person.groups):
            user.groups.add(group)
        if person.editorial_role:
            if person.editorial_role != demo_data.MODERATION:
                # Wagtail's Editors group opens the admin; the role's group says where they write.
                user.groups.add(Group.objects.get(name=editorial.EDITORS))
            user.groups.add(editorial_group(person.editorial_role, categories))
        if person.editorial_role == demo_data.MODERATION:
            # The page moderator also moderates ratings (hides abuse), a permission of its own.
            user.user_permissions.add(moderate_rating)
        if person.hotline_operator:
            user.user_permissions.add(take_calls)
        if person.supervises:
            from marketplace.matters.models import Supervisor
            from providers.models import Street

            street = None if person.supervises == demo_data.DISTRICT else Street.objects.get(slug=person.supervises)
            Supervisor.objects.get_or_create(user=user, street=street)
    return created
