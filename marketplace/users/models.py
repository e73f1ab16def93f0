from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.customer.abstract_models import AbstractUser

phone_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter a mainland China mobile number of 11 digits, e.g. 13812345678.")
)


def mask_phone(phone):
    """138****5678: enough for staff to recognise a resident, not to call a stranger."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_name(name):
    """张* / 欧** : the family name alone, for pages where a resident appears in public or to a provider."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


class User(AbstractUser):
    """A person who signs in with an email address and password, or (residents) with their mobile number
    and an SMS code (marketplace.users.sms_signin): resident, provider staff or editor.

    A resident registered at a provider's counter, or by an SMS sign-in, may have no email address:
    ``email`` is then NULL (never a made-up address that could receive mail),
    so the unique constraint still holds for every real address, nobody can
    sign in as them with a password, and password reset finds nothing to send to.
    """

    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True, validators=[phone_validator])
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="zh-hans",
        help_text=_("The language of the emails and text messages the resident receives."),
    )
    elderly_mode = models.BooleanField(
        _("elderly mode"),
        default=False,
        help_text=_("Larger type, bigger buttons and simpler pages in every browser the resident signs in to."),
    )
    # Who may book what (eligibility rules) reads these; a resident states them, a clerk may record them.
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    home_community = models.ForeignKey(
        "partner.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community of residence"),
    )
    # The 居民身份证号, encrypted, and its keyed hash to find it by (marketplace.users.identity): never in clear.
    id_number_sealed = models.TextField(_("ID card number (encrypted)"), blank=True, editable=False)
    id_number_hash = models.CharField(
        _("ID card number (keyed hash)"), max_length=64, blank=True, db_index=True, editable=False
    )
    # Set when the resident deleted their account: the row stays for their bookings and payments
    # (accounting, statistics), with nothing left that names them.
    anonymised_at = models.DateTimeField(_("account deleted at"), null=True, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def clean(self):
        super().clean()
        # Oscar's clean turns a missing address into "", which a second address-less
        # resident would then collide with.
        self.email = self.email or None

    def save(self, *args, **kwargs):
        self.email = self.email or None
        # Django's own sign of a new password (set_password keeps it until saved; rehashing the same
        # password on sign-in does not): every door that changes one, web, API, admin or command, comes here.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from marketplace.users import tokens  # tokens imports Wagtail's models, which load after ours

            tokens.revoke_all(self)

    # Names are what staff see of a resident: never the email address, which no provider may read.
    def get_full_name(self):
        if self.anonymised_at:
            return str(_("Deleted account"))
        return self.name or super().get_full_name() or self.masked_phone

    def get_short_name(self):
        if self.anonymised_at:
            return str(_("Deleted account"))
        return self.name or self.masked_phone

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def masked_name(self):
        if self.anonymised_at:
            return str(_("Deleted account"))
        return mask_name(self.name)

    def __str__(self):
        # The administrator's lists (Django admin, Oscar's dashboard) still tell name-less accounts apart.
        return self.get_full_name() or self.email or ""


class Dependant(models.Model):
    """Someone a resident books for: an elderly parent, a child. Limits count them as a person of their own."""

    class Relation(models.TextChoices):
        PARENT = "parent", _("Parent")
        GRANDPARENT = "grandparent", _("Grandparent")
        CHILD = "child", _("Child")
        SPOUSE = "spouse", _("Spouse")
        OTHER = "other", _("Other")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dependants", verbose_name=_("resident")
    )
    name = models.CharField(_("name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True, validators=[phone_validator])
    # Who may book what (eligibility rules) reads these; a resident states them, a clerk may record them.
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    home_community = models.ForeignKey(
        "partner.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community of residence"),
    )
    created = models.DateTimeField(_("added at"), auto_now_add=True)
    # A removed dependant with past bookings stays for the record, out of the resident's choices.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("dependant")
        verbose_name_plural = _("dependants")

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def label(self):
        # A departed resident's dependants keep their relation and lose their name.
        name = self.name or _("name removed")
        return _("%(name)s (%(relation)s)") % {"name": name, "relation": self.get_relation_display()}

    def __str__(self):
        return self.name


class SmsCode(models.Model):
    """A sign-in code sent by SMS (marketplace.users.sms_signin): neither the number nor the code in clear.

    Only keyed hashes are kept; a code works once, for ``SMS_CODE_MINUTES``, and not after
    ``SMS_CODE_MAX_TRIES`` wrong tries. Rows a day old are deleted as new codes are asked for.
    """

    phone_hash = models.CharField(_("mobile phone (keyed hash)"), max_length=64, db_index=True)
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    wrong_tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"
