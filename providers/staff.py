"""Who works where: the providers a staff member works for (Oscar's ``Partner.users``).

Every door that acts for a provider (the console, the services it calls, later
the API) asks here, so "another provider's" always means the same as "none".
"""

from oscar.core.loading import get_model

Partner = get_model("partner", "Partner")


def providers_of(user):
    """The providers ``user`` works for."""
    if user is None or not user.is_authenticated:
        return Partner.objects.none()
    return Partner.objects.filter(users=user).order_by("name", "pk")


def provider_of(user, partner_id):
    """One of the staff member's providers, or None: another provider is the same as none."""
    return providers_of(user).filter(pk=partner_id).first()


def works_for(user, partner):
    return bool(user is not None and user.is_authenticated and partner.users.filter(pk=user.pk).exists())


def may_use_the_dashboard(user):
    """Oscar's dashboard is the district administrator's; a provider's staff work in the provider console only.

    Oscar would also let in anyone holding ``partner.dashboard_access`` or a model permission such as
    ``order.view_order``: there a provider could change another provider's services and read residents'
    email addresses. So the dashboard asks for ``is_staff`` alone, and working for a provider shuts it.
    """
    return bool(user.is_authenticated and user.is_staff and not providers_of(user).exists())
