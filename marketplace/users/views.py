from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from oscar.core.loading import get_class

from marketplace.hotline import operators
from marketplace.matters import supervision
from marketplace.users import identity, limits, mydata, services, signin, sms_signin, tokens
from marketplace.users.forms import (
    DeleteAccountForm,
    DependantDetailsForm,
    DependantForm,
    PasswordResetForm,
    ProfileForm,
    SmsCodeForm,
    SmsPhoneForm,
)
from marketplace.users.models import Dependant
from marketplace.users.signin import too_many_attempts_response
from providers import staff


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
@require_http_methods(["GET", "POST"])
def edit_dependant(request, dependant_id):
    """A dependant's date of birth and community of residence, which services' rules may ask for."""
    dependant = services.dependants_of(request.user).filter(pk=dependant_id).first()
    if dependant is None:
        messages.error(request, _("You have no such dependant."))
        return redirect("dependants")
    form = DependantDetailsForm(
        request.POST or None,
        initial={"birth_date": dependant.birth_date, "home_community": dependant.home_community_id},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edit_dependant(request.user, dependant.pk, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("%(name)s's details are saved.") % {"name": dependant.name})
                return redirect("dependants")
        status = 400
    return render(request, "users/dependant.html", {"form": form, "dependant": dependant}, status=status)


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


# Signing in, registering and resetting a password: Oscar's pages, counted against the rate limits first.

AccountAuthView = get_class("customer.views", "AccountAuthView")
AccountRegistrationView = get_class("customer.views", "AccountRegistrationView")


class SignInView(AccountAuthView):
    """Oscar's sign-in and registration page (/shop/accounts/login/). Sign-in failures are counted by
    django-axes inside ``authenticate``; a registration is counted here before the form is looked at."""

    def validate_registration_form(self):
        try:
            limits.count_attempt(self.request, "register", self.request.POST.get("registration-email"))
        except limits.RateLimited as error:
            return too_many_attempts_response(self.request, error)
        return super().validate_registration_form()

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["sms_form"] = SmsPhoneForm()
        context["next"] = _next_url(self.request)
        return context

    def get_login_success_url(self, form):
        # The district administrator starts in the operations view; other staff (a provider's) where
        # residents do, not on a dashboard that would refuse them.
        if form.cleaned_data["redirect_url"]:
            return form.cleaned_data["redirect_url"]
        if staff.may_use_the_dashboard(self.request.user):
            return reverse("operations:bookings")
        if operators.is_operator(self.request.user):
            return reverse("hotline:queue")
        from marketplace.grid.workers import is_grid_worker

        if is_grid_worker(self.request.user):
            return reverse("grid:home")
        if supervision.is_supervisor(self.request.user):
            return reverse("supervision:queue")
        return settings.LOGIN_REDIRECT_URL


class RegisterView(AccountRegistrationView):
    """Oscar's registration page (/shop/accounts/register/), counted like the one above."""

    def post(self, request, *args, **kwargs):
        try:
            limits.count_attempt(request, "register", request.POST.get("email"))
        except limits.RateLimited as error:
            return too_many_attempts_response(request, error)
        return super().post(request, *args, **kwargs)


# Signing in by phone: two steps, no JavaScript (marketplace.users.sms_signin has the rules).

SMS_PHONE_SESSION_KEY = "sms_signin_phone"


def _next_url(request):
    """Where to go once signed in: the ``next`` asked for, if it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def sms_signin_phone(request):
    """Step one: the number; a code is sent to it (the same page follows whether or not it has an account)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SmsPhoneForm(request.POST or None)
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        try:
            phone = sms_signin.request_code(request, form.cleaned_data["phone"])
        except limits.RateLimited as error:
            return too_many_attempts_response(request, error)
        except sms_signin.InvalidPhone as error:
            form.add_error("phone", error.message)
        else:
            request.session[SMS_PHONE_SESSION_KEY] = phone
            target = reverse("sms-signin-code")
            return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
    return render(request, "users/sms_signin_phone.html", {"sms_form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def sms_signin_code(request):
    """Step two: the code received; signs in (or makes the account, or claims a counter's)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    phone = request.session.get(SMS_PHONE_SESSION_KEY)
    if not phone:
        return redirect("sms-signin")
    form = SmsCodeForm(request.POST or None)
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        try:
            user, created = sms_signin.sign_in_with_code(request, phone, form.cleaned_data["code"])
        except limits.RateLimited as error:
            return too_many_attempts_response(request, error)
        except (sms_signin.BadCode, sms_signin.InvalidPhone) as error:
            form.add_error("code", error.message)
        else:
            request.session.pop(SMS_PHONE_SESSION_KEY, None)
            auth_login(request, user)
            if created:
                messages.success(request, _("Welcome! Your account is made: add your name to finish it."))
                return redirect("customer:profile-update")
            messages.success(request, _("You are signed in."))
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "users/sms_signin_code.html",
        {"form": form, "next": next_url, "masked_phone": sms_signin.masked(phone)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_update(request):
    """The resident's profile: name, phone, date of birth, community of residence and ID card number."""
    user = request.user
    form = ProfileForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identity.update_profile(user, **form.changes())
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("my-data")
    return render(
        request,
        "users/profile_form.html",
        {"form": form, "masked_id_number": identity.masked_id_number(user), "email": user.email},
    )


class PasswordResetView(auth_views.PasswordResetView):
    """“Forgotten your password?” (/shop/password-reset/): the same page and words for any address;
    counted per address asked about and per client address; the link goes out in the background."""

    form_class = PasswordResetForm
    success_url = reverse_lazy("password-reset-done")
    template_name = "oscar/registration/password_reset_form.html"

    def post(self, request, *args, **kwargs):
        try:
            limits.count_attempt(request, "password_reset", request.POST.get("email"))
        except limits.RateLimited as error:
            return too_many_attempts_response(request, error)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing the new password from the emailed link. Setting it signs every app out (``User.save``),
    and lifts a sign-in lockout of the account: whoever reads its email may sign in again."""

    success_url = reverse_lazy("password-reset-complete")
    template_name = "oscar/registration/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        signin.unlock(form.user.email)
        return response


# The apps (API tokens) signed in to the resident's account.


@login_required
def api_tokens(request):
    """The apps signed in with the resident's account: when each signed in, was last used, stops working."""
    listed = [(token, tokens.expires_at(token)) for token in tokens.active_tokens(request.user)]
    return render(
        request,
        "users/api_tokens.html",
        {
            "tokens": listed,
            "idle_days": settings.API_TOKEN_IDLE_DAYS,
            "max_age_days": settings.API_TOKEN_MAX_AGE_DAYS,
        },
    )


@login_required
@require_POST
def revoke_api_token(request, token_id):
    try:
        tokens.revoke(request.user, token_id)
    except tokens.TokenNotFound as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("That app is signed out."))
    return redirect("api-tokens")


@login_required
@require_POST
def revoke_all_api_tokens(request):
    count = tokens.revoke_all(request.user)
    messages.success(
        request, ngettext("%(count)d app is signed out.", "%(count)d apps are signed out.", count) % {"count": count}
    )
    return redirect("api-tokens")


# “My data”: what the service holds about the resident (PIPL: access, copy, deletion).


@login_required
def my_data(request):
    """Everything held about the resident and their dependants, readable; phone numbers masked."""
    from marketplace.grid import services as grid_services
    from marketplace.grid.forms import GridConsentForm

    grids = grid_services.grids_for_resident(request.user)
    membership = grid_services.membership_of(request.user)
    form = GridConsentForm(
        grids, initial={"grid": membership.grid_id, "building": membership.building} if membership else None
    )
    context = {
        "data": mydata.page_for(request.user),
        "grid_form": form if grids else None,
        "grid_membership": membership,
    }
    return render(request, "users/my_data.html", context)


@login_required
def my_data_download(request):
    """The resident's copy as a JSON file: the same as ``GET /api/v1/me/export``, phone numbers in full."""
    data = mydata.copy_for(request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account(request):
    """Asks for the password, then deletes the account (``services.delete_account``) and signs out."""
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(request.user, form.cleaned_data["password"], request=request)
        except services.BadCredentials as error:
            if getattr(request, "axes_locked_out", False):
                return too_many_attempts_response(request, signin.lockout_error(request, {"email": request.user.email}))
            form.add_error("password", error.message)
        else:
            auth_logout(request)
            messages.success(request, _("Your account is deleted. Thank you for using the service."))
            return redirect("/")
    active = services.active_bookings_count(request.user)
    return render(request, "users/delete_account.html", {"form": form, "active": active})


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
