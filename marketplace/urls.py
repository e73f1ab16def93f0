from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from marketplace import elderly
from marketplace.api.urls import api
from marketplace.users import views as users_views
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
    path("shop/accounts/", include("marketplace.audit.urls")),
    path("shop/payment/", include("marketplace.payment.urls")),
    # Oscar's own logout (customer:logout, the same address) signs out on a GET; ours only on a POST.
    path("shop/accounts/logout/", users_views.logout, name="logout"),
    # Oscar's search (haystack) cannot read Chinese; its address leads to ours.
    path("shop/search/", search_views.oscar_search),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    path("provider/", include("providers.console.urls")),
    path("ratings/", include("ratings.urls")),
    path("index/", include("streetindex.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", cms_views.robots_txt, name="robots"),
    path("elderly-mode/", elderly.switch, name="elderly-mode"),
    path("community/choose/", cms_views.choose_community, name="choose-community"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = cms_views.bad_request
handler404 = cms_views.page_not_found

# Wagtail serves every other path, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
