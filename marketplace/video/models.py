from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SandboxRoom(models.Model):
    """A room of the sandbox video-room provider, served by this site when no real provider is configured."""

    public_id = models.CharField(_("room id"), max_length=40, unique=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    reference = models.CharField(_("booking code"), max_length=16)
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # [{"role": "resident"|"staff", "name": ..., "at": ISO time}], in the order they first entered.
    participants = models.JSONField(_("participants"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("sandbox video room")
        verbose_name_plural = _("sandbox video rooms")

    def __str__(self):
        return self.public_id
