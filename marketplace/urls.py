from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from oscar.views.decorators import login_forbidden
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import routes as cms_routes
from cms import views as cms_views
from marketplace import elderly, health, outage
from marketplace.api.urls import api
from marketplace.notifications import views as notification_views
from marketplace.users import views as user_views
from search import views as search_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("search/", search_views.search, name="search"),
    path("shop/accounts/bookings/", include("marketplace.booking.urls")),
    path("shop/accounts/notices/", include("marketplace.notifications.urls")),
    path("shop/accounts/dependants/", include("marketplace.users.urls")),
    path("shop/accounts/apps/", include("marketplace.users.token_urls")),
    path("shop/accounts/my-data/", include("marketplace.users.mydata_urls")),
    # Oscar's own sign-in, registration and password-reset addresses (and names), served by our views:
    # they count attempts against the rate limits and send the reset link in the background.
    path("shop/accounts/login/", user_views.SignInView.as_view()),
    # Signing in by mobile number and SMS code, beside the email and password above.
    path("shop/accounts/login/sms/", user_views.sms_signin_phone, name="sms-signin"),
    path("shop/accounts/login/sms/code/", user_views.sms_signin_code, name="sms-signin-code"),
    path("shop/accounts/register/", user_views.RegisterView.as_view()),
    path("shop/password-reset/", login_forbidden(user_views.PasswordResetView.as_view())),
    path(
        "shop/password-reset/confirm/<str:uidb64>/<str:token>/",
        login_forbidden(user_views.PasswordResetConfirmView.as_view()),
    ),
    # Oscar's "delete profile" would delete the user row (refused: their bookings are protected);
    # its address deletes the account the one way there is, anonymising the person.
    path("shop/accounts/profile/delete/", user_views.delete_account),
    # Oscar's profile form edits names and an email; ours what a resident states (marketplace.users.identity).
    path("shop/accounts/profile/edit/", user_views.profile_update),
    path("shop/accounts/", include("marketplace.audit.urls")),
    path("shop/payment/", include("marketplace.payment.urls")),
    path("video/", include("marketplace.video.urls")),
    # Oscar's own logout (customer:logout, the same address) signs out on a GET; ours only on a POST.
    path("shop/accounts/logout/", user_views.logout, name="logout"),
    # Oscar's search (haystack) cannot read Chinese; its address leads to ours.
    path("shop/search/", search_views.oscar_search),
    # Oscar's basket, order history, address book, wish lists and alerts: a resident has none.
    path("", include("marketplace.shop_addresses")),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    path("provider/", include("providers.console.urls")),
    path("operations/", include("marketplace.operations.urls")),
    path("hotline/", include("marketplace.hotline.urls")),
    path("grid/", include("marketplace.grid.urls")),
    path("ratings/", include("ratings.urls")),
    path("matters/", include("marketplace.matters.urls")),
    path("supervision/", include("marketplace.matters.supervision_urls")),
    path("index/", include("streetindex.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", cms_views.robots_txt, name="robots"),
    path("healthz", health.healthz, name="healthz"),
    path("elderly-mode/", elderly.switch, name="elderly-mode"),
    # Development only (404 unless DEBUG and no SMS gateway): the text messages the sandbox kept.
    path("dev/sms/", notification_views.sandbox_sms, name="sandbox-sms"),
    path("community/choose/", cms_views.choose_community, name="choose-community"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = cms_views.bad_request
handler404 = cms_views.page_not_found
# The database or Redis out of reach: 503 with a code (marketplace/outage.py); any other error, Django's 500.
handler500 = outage.server_error

# Wagtail serves every other path, so it comes last; cms.routes keeps which page a path leads to.
urlpatterns += [re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", cms_routes.serve), path("", include(wagtail_urls))]
