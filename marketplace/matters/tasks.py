"""The matters' notices and jobs as background tasks: each reads its matter again, as committed.

Enqueued by ``marketplace.matters.services`` when a step commits. Notices to
residents and staff go through ``notices.deliver`` (one per occasion and
channel); the other party of a mediation has no account, so their one text
message is claimed by setting ``other_party_invited_at``.
"""

import logging

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.background import background_task
from marketplace.matters import kinds, workdays
from marketplace.matters.models import Matter, MatterStep
from marketplace.notifications import notices
from marketplace.notifications.models import Notice
from marketplace.notifications.sms import SmsError, send_sms
from marketplace.users.models import mask_phone

logger = logging.getLogger(__name__)

OTHER_PARTY_SALT = "matters.other-party"
CASE_RELATED = (
    "rating__booking__user",
    "rating__booking__slot__offering__product",
    "rating__booking__slot__offering__partner",
)


def other_party_token(matter):
    return signing.dumps({"matter": matter.pk}, salt=OTHER_PARTY_SALT, compress=True)


def matter_id_from_token(token, max_age_days=60):
    try:
        data = signing.loads(token, salt=OTHER_PARTY_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None
    return data.get("matter") if isinstance(data, dict) else None


def _matter(matter_id):
    return Matter.objects.select_related("applicant", "organisation", "assignee", "dependant").get(pk=matter_id)


def _context(matter):
    return {
        "matter": matter,
        "kind": matter.kind_spec,
        "status": matter.status_spec,
        "organisation": matter.organisation,
        "due_day": workdays.last_day(matter.due_at),
        "matter_url": notices.absolute(reverse("matters:detail", kwargs={"reference": matter.reference})),
    }


@background_task
def tell_applicant(matter_id, step_id):
    """A step that waits for the applicant or ends the matter: what happened and what to do."""
    matter = _matter(matter_id)
    step = MatterStep.objects.get(pk=step_id)
    if matter.kind == kinds.FOLLOW_UP.code and step.action == "answer":
        # A poor rating's follow-up: the resident gets the rating's own notice, with the way to confirm.
        from ratings.services import follow_ups

        notices.tell_case_answered(follow_ups().select_related(*CASE_RELATED).get(pk=matter_id))
        return
    notices.deliver(
        Notice.Kind.MATTER_UPDATE,
        matter.applicant,
        {
            **_context(matter),
            "step": step,
            "step_status": matter.kind_spec.status(step.status),
            # Its deadline is said only while the matter is still where this step put it.
            "still_there": matter.status == step.status,
        },
        notices.occasion_key(Notice.Kind.MATTER_UPDATE, matter.reference, step.pk),
    )


@background_task
def tell_organisation(matter_id):
    """The matter waits for the organisation: its handler (or, unassigned, each of its staff) is emailed."""
    matter = _matter(matter_id)
    if matter.waits_for != kinds.STAFF:
        return
    staff = [matter.assignee] if matter.assignee_id else list(matter.organisation.users.all())
    if not staff:
        return
    url = notices.absolute(
        reverse("provider:matter", kwargs={"partner_id": matter.organisation_id, "reference": matter.reference})
    )
    # Each colleague is tried even when one's mail fails; the retry sends only what did not go out.
    not_sent = []
    for person in staff:
        try:
            notices.deliver(
                Notice.Kind.MATTER_NEW,
                person,
                {**_context(matter), "staff": person, "console_url": url},
                notices.occasion_key(
                    Notice.Kind.MATTER_NEW, matter.reference, f"{matter.status_since:%Y%m%d%H%M%S}:{person.pk}"
                ),
                channels=(Notice.Channel.EMAIL,),
            )
        except notices.NoticeNotSent as error:
            not_sent.append(error)
    if not_sent:
        raise not_sent[0]


@background_task
def invite_other_party(matter_id):
    """The other party of a mediation is asked by text message, once, with a link to say yes or no."""
    with transaction.atomic():
        claimed = Matter.objects.filter(
            pk=matter_id, other_party_invited_at__isnull=True, status="awaiting_other_party"
        ).update(other_party_invited_at=timezone.now())
    if not claimed:
        return
    matter = _matter(matter_id)
    link = notices.absolute(reverse("matters:respond", kwargs={"token": other_party_token(matter)}))
    with translation.override("zh-hans"):
        from django.template.loader import render_to_string

        text = " ".join(
            render_to_string(
                "notifications/mediation_invite_sms.txt",
                {
                    "matter": matter,
                    "applicant_name": matter.applicant.masked_name,
                    "link": link,
                    "due_day": workdays.last_day(matter.due_at),
                },
            ).split()
        )
    try:
        send_sms(matter.other_party_phone, text)
    except SmsError as error:
        logger.error(
            "The mediation invitation to %s (%s) could not be sent: %s",
            mask_phone(matter.other_party_phone),
            matter.reference,
            error,
        )
        # Not claimed after all: the retry (or the console's "send again") tries once more.
        Matter.objects.filter(pk=matter_id).update(other_party_invited_at=None)
        raise


@background_task
def lapse_waiting_matters():
    from marketplace.matters import services

    return services.lapse_waiting_matters()


@background_task
def purge_expired_matters():
    from marketplace.matters import services

    return services.purge_expired()


@background_task
def tell_escalation(escalation_id):
    """An escalation opened, went up, or a supervisor acted on it: the organisation's handler (or, unassigned,
    each of its staff) is emailed, once per escalation and step."""
    from marketplace.matters.models import Escalation

    escalation = Escalation.objects.select_related("matter").get(pk=escalation_id)
    matter = _matter(escalation.matter_id)
    staff = [matter.assignee] if matter.assignee_id else list(matter.organisation.users.all())
    step = matter.steps.order_by("-at", "-pk").first()
    url = notices.absolute(
        reverse("provider:matter", kwargs={"partner_id": matter.organisation_id, "reference": matter.reference})
    )
    # Each colleague is tried even when one's mail fails; the retry sends only what did not go out.
    not_sent = []
    for person in staff:
        try:
            notices.deliver(
                Notice.Kind.MATTER_ESCALATED,
                person,
                {**_context(matter), "staff": person, "console_url": url, "escalation": escalation, "step": step},
                notices.occasion_key(
                    Notice.Kind.MATTER_ESCALATED, matter.reference, f"{escalation.pk}:{step.pk}:{person.pk}"
                ),
                channels=(Notice.Channel.EMAIL,),
            )
        except notices.NoticeNotSent as error:
            not_sent.append(error)
    if not_sent:
        raise not_sent[0]


@background_task
def escalate_late_matters():
    from marketplace.matters import supervision

    return supervision.escalate_late_matters()
