from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.users import services
from marketplace.users.forms import DependantForm
from marketplace.users.models import Dependant


@login_required
def dependants(request):
    """The people the resident books for: list and add."""
    form = DependantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dependant = services.add_dependant(request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("%(name)s is added: you can now book for them.") % {"name": dependant.name})
            return redirect("dependants")
    return render(
        request,
        "users/dependants.html",
        {"form": form, "dependants": services.dependants_of(request.user)},
    )


@login_required
@require_POST
def remove_dependant(request, dependant_id):
    try:
        dependant = services.remove_dependant(request.user, dependant_id)
    except Dependant.DoesNotExist:
        messages.error(request, _("You have no such dependant."))
    except services.DependantInUse as in_use:
        messages.error(
            request,
            _("%(name)s still has bookings to come: cancel them first.") % {"name": in_use.args[0].name},
        )
    else:
        messages.success(request, _("%(name)s is no longer on your list.") % {"name": dependant.name})
    return redirect("dependants")


@require_http_methods(["GET", "POST"])
def logout(request):
    """Signing out is a POST (the header's button). A GET, from a link on another site or an old
    bookmark, only asks: an <img src=".../logout/"> must not sign a resident out behind their back."""
    if request.method == "GET":
        return render(request, "users/logout_confirm.html", {"return_path": "/"})
    auth_logout(request)
    response = redirect(settings.OSCAR_HOMEPAGE)
    for cookie in settings.OSCAR_COOKIES_DELETE_ON_LOGOUT:
        response.delete_cookie(cookie)
    return response
