"""Settings shared by every environment.

Everything that differs between a laptop and production is read from the
environment (DESIGN.md §9); the defaults are the embedded ones: SQLite,
database search, the sandbox payment gateway and console email.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_rate(name, default):
    """A rate as django-ratelimit reads it, "count/period" (20/h, 5/15m); refused at start when it is not one."""
    value = os.environ.get(name, default).strip()
    if not re.fullmatch(r"\d+/\d*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate like 20/h or 5/15m (s, m, h or d), not {value!r}.")
    return value


# No secret has a default here: the development and test settings give their own, production
# refuses to start without the real ones (production.py).
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    # our own apps first so their templates and translations win
    "marketplace.apps.MarketplaceConfig",
    "marketplace.users.apps.UsersConfig",
    "marketplace.booking.apps.BookingConfig",
    "marketplace.audit.apps.AuditConfig",
    "marketplace.matters.apps.MattersConfig",
    "marketplace.hotline.apps.HotlineConfig",
    "marketplace.grid.apps.GridConfig",
    "marketplace.notifications.apps.NotificationsConfig",
    "marketplace.video.apps.VideoConfig",
    "marketplace.api.apps.ApiConfig",
    "cms.apps.CmsConfig",
    "search.apps.SiteSearchConfig",
    "ratings.apps.RatingsConfig",
    "streetindex.apps.StreetIndexConfig",
    "demo.apps.DemoConfig",
    # Oscar, with our forks in place of its apps
    "oscar.config.Shop",
    "marketplace.apps.ServiceAnalyticsConfig",
    "marketplace.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "catalog.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "providers.apps.PartnerConfig",
    "marketplace.basket.apps.BasketConfig",
    "marketplace.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "marketplace.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "marketplace.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "marketplace.dashboard.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtailmedia",
    "modelcluster",
    "taggit",
    "axes",
    "django_ratelimit",
    "csp",
    # django-ninja as an app: /api/v1/docs then serves Swagger UI from our static files, not from a CDN
    # (which the Content-Security-Policy would refuse, and which residents in China may not reach).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    # After django_tasks_db: its admin of task results is replaced by ours (marketplace/scheduler/admin.py).
    "marketplace.scheduler.apps.SchedulerConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "marketplace.content_policy.SiteCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "marketplace.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Early: a kept page needs only the session, the language and the CSRF cookie read above it.
    "marketplace.pagecache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.audit.middleware.DoorMiddleware",
    "marketplace.dashboard.middleware.DashboardDoorMiddleware",
    "marketplace.elderly.ElderlyModeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "marketplace.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it sees the answer to a sign-in that axes refused and turns it into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "marketplace" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.booking.context_processors.waiting_for_resident",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]


def database_from_env():
    """SQLite by default; DATABASE_URL selects another database (PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        url = "sqlite:///" + str(BASE_DIR / "db.sqlite3")
    # A connection kept open (DB_CONN_MAX_AGE) is checked before a request or task reuses it: after
    # PostgreSQL restarts, the first request of each process reconnects instead of answering 500.
    config = dj_database_url.parse(
        url,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Concurrent web use on SQLite: WAL lets readers run beside the writer,
        # IMMEDIATE takes the write lock when a transaction starts (so two
        # bookings queue instead of failing to upgrade a read lock), and the
        # busy timeout makes the second one wait rather than "database is locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = (
    # First: refuses every sign-in of a locked-out account or address before a password is looked at.
    "marketplace.users.signin.LockoutGuard",
    # The one backend that checks passwords (email, any case); it takes as long for an unknown address.
    "marketplace.users.signin.EmailBackend",
    # A mobile number and the 6-digit code just sent to it (marketplace.users.sms_signin): residents only.
    "marketplace.users.sms_signin.SmsCodeBackend",
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "customer:login"
LOGIN_REDIRECT_URL = "/shop/accounts/bookings/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Named date formats per language (DATETIME_FORMAT, SHORT_DATETIME_FORMAT, …): marketplace/formats/<locale>/.
FORMAT_MODULE_PATH = ["marketplace.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "marketplace" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Matters' materials (ID cards, evidence): outside MEDIA_ROOT and without a URL, served only by a
# view that checks who asks (marketplace.matters.views).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "matters": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None, "file_permissions_mode": 0o600},
    },
}
# Several app servers on several machines must all read every material: PRIVATE_STORAGE_S3_BUCKET puts
# them in a bucket of S3-compatible storage instead (AWS, MinIO, Ceph, a cloud's object storage). Objects
# are private and have no URL (marketplace/storage.py): still served only by the view that checks who asks.
PRIVATE_STORAGE_S3_BUCKET = os.environ.get("PRIVATE_STORAGE_S3_BUCKET", "").strip()
if PRIVATE_STORAGE_S3_BUCKET:
    STORAGES["matters"] = {
        "BACKEND": "marketplace.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_STORAGE_S3_BUCKET,
            # Empty: AWS's own address; set for any other S3-compatible service.
            "endpoint_url": os.environ.get("PRIVATE_STORAGE_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("PRIVATE_STORAGE_S3_REGION", "").strip() or None,
            # Empty: boto3's own chain of credentials (a machine's role, ~/.aws, AWS_* variables).
            "access_key": os.environ.get("PRIVATE_STORAGE_S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": os.environ.get("PRIVATE_STORAGE_S3_SECRET_ACCESS_KEY", "").strip() or None,
            # "path" for services without a host name per bucket (MinIO's default set-up).
            "addressing_style": os.environ.get("PRIVATE_STORAGE_S3_ADDRESSING_STYLE", "").strip() or None,
            "location": os.environ.get("PRIVATE_STORAGE_S3_PREFIX", "matters").strip("/ "),
            "default_acl": "private",
            "signature_version": "s3v4",
            # Two materials of the same name must not replace each other (the folder's storage renames too).
            "file_overwrite": False,
            # ID cards are personal data: encrypted at rest by the service, unless it cannot (some can't).
            "object_parameters": (
                {"ServerSideEncryption": "AES256"} if env_bool("PRIVATE_STORAGE_S3_ENCRYPT", True) else {}
            ),
        },
    }

SITE_ID = 1

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@panlong.example")
# The SMTP backend's server (django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)

# Oscar
OSCAR_SHOP_NAME = _("Panlong public-service cloud supermarket")
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_CURRENCY_FORMAT = {"CNY": {"format": "¥#,##0.00"}}
OSCAR_HOMEPAGE = "/"
OSCAR_ALLOW_ANON_CHECKOUT = False
OSCAR_REQUIRED_ADDRESS_FIELDS = ()
OSCAR_INITIAL_ORDER_STATUS = "booked"
OSCAR_INITIAL_LINE_STATUS = "booked"
# A booking moves booked → confirmed → checked_in / no_show, or is cancelled;
# the order follows its booking (marketplace.booking.services.follow_booking) so
# Oscar's dashboard tells the same story. Two arrows exist for the booking
# domain alone: Oscar writes every new order as "booked", and a paid one then
# waits for payment; a hold that lapsed just before the money came is booked
# again when its place is still free.
OSCAR_ORDER_STATUS_PIPELINE = {
    "pending_payment": ("booked", "cancelled"),
    "booked": ("pending_payment", "confirmed", "checked_in", "no_show", "cancelled"),
    "confirmed": ("checked_in", "no_show", "cancelled"),
    "checked_in": (),
    "no_show": (),
    "cancelled": ("booked",),
}
OSCAR_LINE_STATUS_PIPELINE = OSCAR_ORDER_STATUS_PIPELINE
OSCAR_ORDER_STATUS_CASCADE = {status: status for status in OSCAR_ORDER_STATUS_PIPELINE}
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL

# The dashboard's menu in the district's words. Its front page is the operations view (bookings by
# day, code or phone); what stays of Oscar's dashboard is what the administrator still keeps there:
# the services and sectors, the providers, the booking records behind payments, the accounts.
OSCAR_DASHBOARD_NAVIGATION = [
    {"label": _("Bookings"), "icon": "fas fa-list", "url_name": "dashboard:index"},
    {
        "label": _("Services"),
        "icon": "fas fa-sitemap",
        "children": [
            {"label": _("Services"), "url_name": "dashboard:catalogue-product-list"},
            {"label": _("Sectors"), "url_name": "dashboard:catalogue-category-list"},
        ],
    },
    {"label": _("Providers"), "icon": "fas fa-building", "url_name": "dashboard:partner-list"},
    {"label": _("Booking records"), "icon": "fas fa-file-alt", "url_name": "dashboard:order-list"},
    {"label": _("Residents and accounts"), "icon": "fas fa-users", "url_name": "dashboard:users-index"},
]

HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

THUMBNAIL_DEBUG = False

# Wagtail
WAGTAIL_SITE_NAME = "盘龙区公共服务云超市"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# Editors work in the site's two languages, and in its one time zone: Wagtail's own lists of every
# language (each named in itself) and of every IANA zone would only be English names to scroll through.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
WAGTAILADMIN_USER_LOGIN_FORM = "cms.forms.AdminSignInForm"
# No avatars from gravatar.com: they would send a hash of each editor's email address to a third
# party (and the administrators' Content-Security-Policy loads images from this site only).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the admin ask releases.wagtail.org for news: upgrades are chosen in requirements.txt.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Images need alt text.
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.image_forms.ImageForm"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Background work (DESIGN.md §12): notices, search-index refreshes, waiting-list offers and refunds
# run as tasks enqueued on commit; our code names no backend. The database queue: `db_worker`
# processes run them (`make run` starts one), claiming rows with SKIP LOCKED on PostgreSQL.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A failed task is tried again this many minutes later, one delay per retry, then left failed
# (shown in /django-admin/ under Tasks Database Backend).
TASK_RETRY_MINUTES = [int(m) for m in os.environ.get("TASK_RETRY_MINUTES", "1,5,30").split(",") if m.strip()]
# A task still running after this long was left by a worker that died: it is put back in the queue
# (marketplace.background.requeue_abandoned, the requeue_abandoned_tasks job).
TASK_ABANDONED_MINUTES = int(os.environ.get("TASK_ABANDONED_MINUTES", "30"))

# Search (DESIGN.md §8): the database backend unless Elasticsearch is configured.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")
SEARCH_ES_URL = os.environ.get("SEARCH_ES_URL", "")
SEARCH_ES_INDEX = os.environ.get("SEARCH_ES_INDEX", "panlong-services")
# "cjk" (built in) or "ik" (needs the IK analysis plugin on the cluster).
SEARCH_ES_ANALYZER = os.environ.get("SEARCH_ES_ANALYZER", "cjk")
SEARCH_ES_TIMEOUT = float(os.environ.get("SEARCH_ES_TIMEOUT", "5"))

# Payment and SMS gateways: the embedded defaults need nothing outside.
PAYMENT_GATEWAY_URL = os.environ.get("PAYMENT_GATEWAY_URL", "")
PAYMENT_GATEWAY_SECRET = os.environ.get("PAYMENT_GATEWAY_SECRET", "")  # dev and test have a sandbox default
PAYMENT_GATEWAY_KEY = os.environ.get("PAYMENT_GATEWAY_KEY", "")
# Where the gateway's pay pages are, for the Content-Security-Policy's form-action: "Pay now" is a form
# whose answer redirects there. By default the origin of PAYMENT_GATEWAY_URL.
PAYMENT_GATEWAY_PAGE_ORIGINS = env_list(
    "PAYMENT_GATEWAY_PAGE_ORIGINS", origin_of(PAYMENT_GATEWAY_URL) if PAYMENT_GATEWAY_URL else ""
)
PAYMENT_GATEWAY_TIMEOUT = float(os.environ.get("PAYMENT_GATEWAY_TIMEOUT", "10"))
# How long a booking awaiting payment holds its place.
PAYMENT_HOLD_MINUTES = int(os.environ.get("PAYMENT_HOLD_MINUTES", "15"))
# The sandbox gateway's refunds: "succeed", or "fail" to rehearse a gateway outage.
PAYMENT_SANDBOX_REFUNDS = os.environ.get("PAYMENT_SANDBOX_REFUNDS", "succeed")
# A file whose presence makes the sandbox gateway stall past PAYMENT_GATEWAY_TIMEOUT and time out, as a gateway
# in trouble does (bench/soak.py creates and removes it while the site runs). Empty: never. Real gateways ignore it.
PAYMENT_SANDBOX_STALL_FILE = os.environ.get("PAYMENT_SANDBOX_STALL_FILE", "")
# The video-room provider of online consultations (marketplace/video/client.py): "sandbox", rooms served
# by this site, or "http", the provider at VIDEO_ROOM_URL with the bearer token VIDEO_ROOM_TOKEN.
VIDEO_ROOM_PROVIDER = os.environ.get("VIDEO_ROOM_PROVIDER", "sandbox")
VIDEO_ROOM_URL = os.environ.get("VIDEO_ROOM_URL", "")
VIDEO_ROOM_TOKEN = os.environ.get("VIDEO_ROOM_TOKEN", "")
VIDEO_ROOM_TIMEOUT = float(os.environ.get("VIDEO_ROOM_TIMEOUT", "10"))  # seconds
# An online booking's join link opens the room from this many minutes before the slot until it ends.
VIDEO_JOIN_OPENS_MINUTES = int(os.environ.get("VIDEO_JOIN_OPENS_MINUTES", "10"))
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")  # empty: text messages are only logged, phone masked
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "5"))  # seconds

# Identity data (marketplace.users.identity): a resident's ID card number is stored encrypted with
# PERSONAL_DATA_KEY (a Fernet key: 32 random bytes, URL-safe base64) and found by its HMAC-SHA256 under
# PERSONAL_DATA_HASH_KEY (a separate secret). Development and test settings have public keys of their own;
# production refuses to start without both.
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY", "")
PERSONAL_DATA_HASH_KEY = os.environ.get("PERSONAL_DATA_HASH_KEY", "")

# Content-Security-Policy on every response (marketplace/content_policy.py, django-csp): our
# pages run only our own static scripts and style sheets, no inline script and no other site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Style attributes only, no <style> element: Oscar's basket and checkout hide their
        # templates' spare forms with style="display:none".
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # Bootstrap's style sheet draws its small icons as data: SVGs
        "font-src": [SELF],
        "media-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Forms post here only, and "Pay now" on to the gateway's pay page (browsers check the redirect too).
        "form-action": [SELF, *PAYMENT_GATEWAY_PAGE_ORIGINS],
        "frame-ancestors": [SELF],
    }
}
# The administrators' tools (Wagtail's admin, Oscar's dashboard, Django's admin) are built on
# inline scripts and styles: allowed there, still only from this site.
CONTENT_SECURITY_POLICY_ADMIN_PREFIXES = ("/cms/", "/shop/dashboard/", "/django-admin/")
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "style-src-attr": None,
        "img-src": [SELF, "data:", "blob:"],  # an upload is shown before it is sent
        "media-src": [SELF, "blob:"],
        "font-src": [SELF, "data:"],
        "form-action": [SELF],
    }
}

# The booking lifecycle
WAITLIST_OFFER_HOURS = float(
    os.environ.get("WAITLIST_OFFER_HOURS", "2")
)  # a freed place is held this long for the first in line
REMINDER_HOURS_AHEAD = float(
    os.environ.get("REMINDER_HOURS_AHEAD", "24")
)  # send_reminders reminds bookings starting within

# The public address of the site, for links in emails and text messages.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Booking
BOOKING_CODE_LENGTH = 8
# A booking can be checked in from this many minutes before its slot starts until the slot ends.
CHECK_IN_OPENS_MINUTES = int(os.environ.get("CHECK_IN_OPENS_MINUTES", "60"))

# Ratings of visits (好差评) and their follow-up cases
RATING_WINDOW_DAYS = 14  # a checked-in visit can be rated for this many days after the slot ends
FOLLOW_UP_MAX_STARS = 2  # a rating of this many stars or fewer opens a follow-up case
FOLLOW_UP_ANSWER_DAYS = 3  # the provider should answer a case within; later ones are listed as overdue
FOLLOW_UP_CONFIRM_DAYS = 7  # an answered case the resident leaves unconfirmed this long closes on its own

# Matters (事项, marketplace.matters): the working days each wait is allowed, by the official calendar.
MATTER_QUESTION_ANSWER_DAYS = int(os.environ.get("MATTER_QUESTION_ANSWER_DAYS", "3"))  # the duty lawyer answers
MATTER_QUESTION_RATE_DAYS = 7  # an answered question the resident leaves this long closes on its own
MATTER_MEDIATION_CONSENT_DAYS = 5  # the other party says yes or no to mediation
MATTER_MEDIATION_DAYS = 20  # mediation ends in an agreement or without one
MATTER_LEGAL_AID_DECISION_DAYS = 7  # Legal Aid Law art. 43: decided within 7 working days of a complete application
MATTER_MATERIALS_DAYS = 15  # the applicant brings missing materials
MATTER_DEMAND_ACCEPT_DAYS = 2  # an organisation accepts a grid worker's demand or sends it back
MATTER_DEMAND_DAYS = 10  # an accepted demand is done
MATTER_OUTREACH_ANSWER_DAYS = 5  # a provider accepts or declines a community's lecture request (法律九进)
MATTER_OUTREACH_SCHEDULE_DAYS = 10  # an accepted request is scheduled as a session
# Supervision (督办): a late or "not resolved" matter goes to its street's supervisors, then to the district's;
# each level has these working days before the matter goes up (street) or shows as overdue (district).
MATTER_ESCALATION_STREET_DAYS = int(os.environ.get("MATTER_ESCALATION_STREET_DAYS", "3"))
MATTER_ESCALATION_DISTRICT_DAYS = int(os.environ.get("MATTER_ESCALATION_DISTRICT_DAYS", "5"))
MATTER_MATERIAL_MAX_BYTES = 10 * 1024 * 1024
MATTER_MATERIAL_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/heic", "image/webp")
# After a matter closes, its text, parties and materials are kept this long, then removed (the figures stay).
MATTER_RETENTION_DAYS = int(os.environ.get("MATTER_RETENTION_DAYS", str(3 * 365)))

# The street index (指数排行) and the 10-minute service circle; printed on the public index page.
# The header's and footer's menus and site settings are kept this long in a per-process cache (cms/chrome.py);
# an editor's change replaces them at once in a shared cache.
CMS_CHROME_CACHE_SECONDS = int(os.environ.get("CMS_CHROME_CACHE_SECONDS", "60"))
# The home, sector and service pages are kept whole for anonymous visitors (marketplace/pagecache.py) this
# long at most: the longest a slot that has just passed the minimum notice can still show as bookable.
# 0 turns the cache off. Browsers may reuse such a page for PAGE_CACHE_BROWSER_SECONDS.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("PAGE_CACHE_BROWSER_SECONDS", "0"))
SATISFACTION_MIN_SAMPLE = 10  # fewer ratings than this: the average is not shown
INDEX_WEIGHTS = {
    "bookings": 15,  # bookings per 1,000 residents, against the street with the most
    "fulfilment": 15,  # checked in / ended bookings
    "no_shows": 10,  # 1 − no-show rate
    "satisfaction": 20,  # (average stars − 1) / 4
    "case_closing": 10,  # mean credit of every follow-up case opened; unanswered past the deadline or not resolved: 0
    "coverage": 15,  # share of community × sector cells inside the 10-minute circle
    "demands_on_time": 10,  # mean credit of every grid demand opened; late or sent back: ½; left past the deadline: 0
    "escalations": 5,  # 1 − matters escalated / matters opened
}
INDEX_CASE_TARGET_HOURS = 72  # a case closed in this long or longer earns only the half credit for being closed
INDEX_MIN_BOOKINGS = 20  # a street with fewer ended bookings in the period is not ranked
INDEX_MIN_RANKED_STREETS = 3  # fewer streets with enough data: the period is not ranked at all
SERVICE_CIRCLE_METRES = 800  # about ten minutes on foot
SERVICE_CIRCLE_DAYS = 7  # a provider counts when it has an open slot within this many days

# Abuse (issue 18). Every limit is read from the environment, so a load test that plays many residents
# from one address (bench/, the browser suite) can raise them.
#
# Sign-in (web pages, Wagtail and Django admin, POST /api/v1/auth/token, POST /api/v1/auth/password):
# django-axes counts failed passwords per account and per client address, in the database (so every
# process and server shares them). SIGNIN_FAILURE_LIMIT failures within SIGNIN_LOCKOUT_MINUTES lock
# that account, or that address, until the last failure is that old; administrators lift a lockout
# in /django-admin/ (Users → "Lift the sign-in lockout", or Axes → Access attempts).
SIGNIN_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "10"))
SIGNIN_LOCKOUT_MINUTES = float(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "15"))
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "marketplace.users.signin.account_of"
AXES_CLIENT_IP_CALLABLE = "marketplace.users.limits.client_address"
AXES_LOCKOUT_CALLABLE = "marketplace.users.signin.locked_out"
# Tries while locked out are refused without being counted: an attacker hammering a resident's
# account cannot keep it locked for ever, the lockout ends SIGNIN_LOCKOUT_MINUTES after the last failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in clears nothing: otherwise one account of the attacker's own would clear its address.
AXES_RESET_ON_SUCCESS = False
# No record of every successful sign-in (personal data we do not need); failures are kept only while they count.
AXES_DISABLE_ACCESS_LOG = True
# The failure record keeps the submitted form: never a password or an address, whatever the form calls them.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "email",
    "login-username",
    "login-password",
    "password",
    "phone",
    "code",
]
AXES_VERBOSE = False

# Registration (web and POST /api/v1/auth/register) and password reset: django-ratelimit's counters
# ("count/period", period s, m, h or d, e.g. 20/h or 5/15m) per client address and per email address
# asked about, whether or not it has an account.
REGISTRATION_RATE_PER_ADDRESS = env_rate("REGISTRATION_RATE_PER_ADDRESS", "20/h")
REGISTRATION_RATE_PER_ACCOUNT = env_rate("REGISTRATION_RATE_PER_ACCOUNT", "5/h")
PASSWORD_RESET_RATE_PER_ADDRESS = env_rate("PASSWORD_RESET_RATE_PER_ADDRESS", "20/h")
PASSWORD_RESET_RATE_PER_ACCOUNT = env_rate("PASSWORD_RESET_RATE_PER_ACCOUNT", "5/h")
# Sign-in by SMS code (web and POST /api/v1/auth/sms-code, /sms-token): codes asked for, per client address
# and per mobile number (registered or not), and codes tried. Wrong codes are also failed sign-ins for
# django-axes (SIGNIN_FAILURE_LIMIT), per number and per address.
SMS_CODE_RATE_PER_ADDRESS = env_rate("SMS_CODE_RATE_PER_ADDRESS", "20/h")
SMS_CODE_RATE_PER_NUMBER = env_rate("SMS_CODE_RATE_PER_NUMBER", "5/h")
SMS_VERIFY_RATE_PER_ADDRESS = env_rate("SMS_VERIFY_RATE_PER_ADDRESS", "60/h")
SMS_VERIFY_RATE_PER_NUMBER = env_rate("SMS_VERIFY_RATE_PER_NUMBER", "10/h")
SMS_CODE_MINUTES = 5  # a code works once, for this long
SMS_CODE_MAX_TRIES = 5  # wrong codes after which the code sent is spent
# The public progress lookup of a matter (web and GET /api/v1/progress/…): one counter per address for
# both doors, so the last four digits of a phone cannot be guessed at speed.
MATTER_PROGRESS_RATE_PER_ADDRESS = env_rate("MATTER_PROGRESS_RATE_PER_ADDRESS", "10/m")
# Its counters live in their own cache, shared by every process: the database by default (the table is
# made by a migration). Point it at Redis or memcached with RATELIMIT_CACHE_BACKEND/LOCATION; on the
# database a burst of parallel requests may be counted a few short, as its increments are not atomic.
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "marketplace.users.limits.client_address"
# The client address of a request: REMOTE_ADDR, or with TRUSTED_PROXIES reverse proxies in front of
# the app, the address the outermost of them saw (from X-Forwarded-For, which a client can forge).
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    RATELIMIT_USE_CACHE: {
        "BACKEND": os.environ.get("RATELIMIT_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": os.environ.get("RATELIMIT_CACHE_LOCATION", "rate_limit_counters"),
    },
}
# django-ratelimit warns of every cache but memcached and django-redis: the choice is the deployment's, above.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# API tokens (Authorization: Bearer) expire after API_TOKEN_IDLE_DAYS unused, and API_TOKEN_MAX_AGE_DAYS
# after they were issued whatever their use; a password change or reset revokes all of a person's tokens.
# /healthz (marketplace/health.py) fails when the oldest task ready to run has waited longer than this.
HEALTH_QUEUE_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_QUEUE_MAX_AGE_SECONDS", "300"))

API_TOKEN_IDLE_DAYS = float(os.environ.get("API_TOKEN_IDLE_DAYS", "30"))
API_TOKEN_MAX_AGE_DAYS = float(os.environ.get("API_TOKEN_MAX_AGE_DAYS", "90"))

# Fair access beyond one person: a resident registers at most DEPENDANT_LIMIT people they book for, and an
# account's upcoming bookings of one service, for everyone it books for together, are at most the service's
# per-person limit times BOOKING_PERSONS_PER_ACCOUNT (a household, not a client list).
DEPENDANT_LIMIT = int(os.environ.get("DEPENDANT_LIMIT", "10"))
BOOKING_PERSONS_PER_ACCOUNT = int(os.environ.get("BOOKING_PERSONS_PER_ACCOUNT", "4"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "oscar.checkout": {"level": "WARNING"},
        # one line per new offering and per page publish drowns what matters
        "oscar.alerts": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},
        # Failed sign-ins and lockouts, with the account and address masked (AXES_SENSITIVE_PARAMETERS).
        "axes": {"level": "WARNING"},
    },
}
