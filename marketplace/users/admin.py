from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import identity
from .models import Dependant, User
from .signin import unlock


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "masked_phone", "is_staff", "is_active")
    search_fields = ("email", "name", "phone")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "phone", "birth_date", "masked_id_number")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)
    readonly_fields = ("masked_id_number",)
    actions = ["lift_signin_lockout"]

    @admin.display(description=_("ID card number"))
    def masked_id_number(self, user):
        return identity.masked_id_number(user) or "—"

    def get_search_results(self, request, queryset, search_term):
        """An ID card number is found by its keyed hash (and the search recorded as a view of whose it is)."""
        try:
            identity.normalise_id_number(search_term)
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        found = identity.find_by_id_number(request.user, None, search_term)
        return queryset.filter(pk__in=[user.pk for user in found]), False

    @admin.action(description=_("Lift the sign-in lockout"))
    def lift_signin_lockout(self, request, queryset):
        """Too many failed passwords locked these accounts (their addresses stay counted: see Access attempts)."""
        users = [user for user in queryset if user.email]
        for user in users:
            unlock(user.email)
        self.message_user(
            request,
            ngettext(
                "Signing in is open again for %(count)d account.",
                "Signing in is open again for %(count)d accounts.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


@admin.register(Dependant)
class DependantAdmin(admin.ModelAdmin):
    list_display = ("name", "relation", "owner", "masked_phone", "created", "removed_at")
    list_filter = ("relation",)
    search_fields = ("name", "owner__email", "owner__name")
    raw_id_fields = ("owner",)
