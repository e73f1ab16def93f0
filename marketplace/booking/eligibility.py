"""Who may book what: a service's eligibility rules, decided in this one place.

A service (catalog ``EligibilityRule``) may be for people of an age, for residents
of the district or of a street, at most N times per calendar year, or for members
of a group the person declares (低保, 特困…) with evidence the clerk checks on arrival.
Every door reaches this through :func:`marketplace.booking.services.ensure_bookable`
(web, API, counter, hotline, waiting-list offers; rescheduling asks too), for the
resident and for a dependant alike: the person served is judged on their own data.

Every rule must pass, except the group rules, which are alternatives: a member of
any one of the service's groups passes. A clerk at the counter may override a
refusal with a reason; the booking's record names the rules overridden.
"""

from dataclasses import dataclass, field

from django.db.models import BooleanField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from marketplace.booking.models import Booking
from marketplace.booking.rules import RowSQL, local_day, start_of_local_day


@dataclass(frozen=True)
class Refusal:
    rule: str  # the rule's kind: age, residence, per_year, group
    message: str


@dataclass
class Decision:
    """What the rules said about one booking: the group declared and the evidence to check, the rules overridden."""

    group: str = ""
    evidence: str = ""
    overridden: list = field(default_factory=list)


def rules_of(service):
    """The service's rules (prefetched ``eligibility_rules`` are read when a list prefetched them)."""
    return list(service.eligibility_rules.all())


class HasRules(RowSQL):
    """Whether the service ``service`` names (the path to its key, e.g. ``"offering__product"``) has
    eligibility rules at all: an EXISTS on its rules, for the queries that mark it.

    Written out as SQL (``rules.RowSQL``) because every booking and every service page reads it:
    Django's ``Exists`` of the same question cost each about 0.5 ms to build and compile (measured
    in-process, bench/service_page_cpu.py). The eligibility tests book services with and without
    rules through both.
    """

    output_field = BooleanField()
    ALIAS = "service_rule"

    def as_sql_about(self, service_sql, compiler, connection):
        from oscar.core.loading import get_model

        Rule = get_model("catalogue", "EligibilityRule")
        quote = connection.ops.quote_name
        column = f"{self.ALIAS}.{quote(Rule._meta.get_field('service').column)}"
        return f"EXISTS(SELECT 1 FROM {quote(Rule._meta.db_table)} {self.ALIAS} WHERE {column} = {service_sql})", ()


def with_rules_flag(slots):
    """``slots`` (a queryset) marked with whether their service has rules at all, read in the same query:
    most services have none, and booking one should not ask for its rules (:func:`judge` reads the mark)."""
    return slots.annotate(service_has_rules=HasRules("offering__product"))


def age_on(birth_date, day):
    """Completed years on ``day``: one more on the birthday itself (a 29 February birthday counts from 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _person(user, dependant):
    """The person served: (birth date, community of residence, name or None for the resident themselves)."""
    if dependant is not None:
        return dependant.birth_date, dependant.home_community, dependant.name
    return user.birth_date, user.home_community, None


def _age(rule, birth_date, name, day):
    if birth_date is None:
        if name:
            return _("%(name)s's date of birth is not recorded: record it on their details, then book.") % {
                "name": name
            }
        return _("Your date of birth is not recorded: record it in your profile, then book.")
    age = age_on(birth_date, day)
    if (rule.min_age is not None and age < rule.min_age) or (rule.max_age is not None and age > rule.max_age):
        return _("%(rule)s On %(day)s the person served will be %(age)d.") % {
            "rule": rule.describe(),
            "day": day.isoformat(),
            "age": age,
        }
    return None


def _residence(rule, community, name):
    if community is None:
        if name:
            return _("%(name)s's community of residence is not recorded: record it on their details, then book.") % {
                "name": name
            }
        return _("Your community of residence is not recorded: record it in your profile, then book.")
    if rule.street_id and community.street_id != rule.street_id:
        return _("%(rule)s The person served lives in %(community)s.") % {
            "rule": rule.describe(),
            "community": community.name,
        }
    return None


def _per_year(rule, user, dependant, slot, now, exclude):
    year = local_day(slot.starts_at).year
    start = start_of_local_day(local_day(slot.starts_at).replace(month=1, day=1))
    end = start_of_local_day(local_day(slot.starts_at).replace(year=year + 1, month=1, day=1))
    # Visits made (checked in) and places held; cancelled bookings and no-shows do not count, nor a lapsed hold.
    counted = Booking.objects.filter(
        user=user,
        dependant=dependant,
        status__in=Booking.ACTIVE,
        slot__offering__product_id=slot.offering.product_id,
        slot__starts_at__gte=start,
        slot__starts_at__lt=end,
    ).exclude(status=Booking.Status.PENDING_PAYMENT, hold_expires_at__lte=now)
    if exclude is not None:
        counted = counted.exclude(pk=exclude.pk)
    count = counted.count()
    if count >= rule.per_year:
        return _("%(rule)s The person served already has %(count)d in %(year)d.") % {
            "rule": rule.describe(),
            "count": count,
            "year": year,
        }
    return None


def _groups_message(groups):
    names = pgettext("separator between choices", ", ").join(rule.group for rule in groups)
    evidence = pgettext("separator between choices", ", ").join(rule.evidence for rule in groups)
    return _(
        "This service is for members of: %(groups)s. Declare your membership when booking and bring your "
        "%(evidence)s: the staff check it on arrival."
    ) % {"groups": names, "evidence": evidence}


def judge(service, slot, user, dependant=None, declared_group=None, now=None, exclude=None):
    """The refusals of the service's rules for the person served on ``slot``, and the decision if none.

    ``declared_group``: the group the person declared (``""``: none); None when this door does not
    ask yet (adding to the basket: the person declares at the confirmation step), so group rules wait.
    ``exclude``: a booking being moved, not counted against the yearly limit.
    Returns (list of :class:`Refusal`, :class:`Decision`).
    """
    now = now or timezone.now()
    # A slot loaded without the mark (an older caller) asks, as it always did.
    rules = rules_of(service) if getattr(slot, "service_has_rules", True) else []
    decision = Decision()
    if not rules:
        return [], decision
    birth_date, community, name = _person(user, dependant)
    day = local_day(slot.starts_at)
    refusals = []
    groups = []
    for rule in rules:
        message = None
        if rule.kind == rule.Kind.AGE:
            message = _age(rule, birth_date, name, day)
        elif rule.kind == rule.Kind.RESIDENCE:
            message = _residence(rule, community, name)
        elif rule.kind == rule.Kind.PER_YEAR:
            message = _per_year(rule, user, dependant, slot, now, exclude)
        elif rule.kind == rule.Kind.GROUP:
            groups.append(rule)
        if message:
            refusals.append(Refusal(rule.kind, message))
    if groups and declared_group is not None:
        chosen = next((rule for rule in groups if rule.group == declared_group), None)
        if chosen is None:
            refusals.append(Refusal(rule.Kind.GROUP, _groups_message(groups)))
        else:
            decision.group, decision.evidence = chosen.group, chosen.evidence
    return refusals, decision


def groups_of(service):
    """The groups a person may declare for ``service``, as (group, evidence) pairs; empty when it has none."""
    return [(rule.group, rule.evidence) for rule in rules_of(service) if rule.kind == rule.Kind.GROUP]


def groups_offered_by(provider):
    """The distinct groups the provider's services are for, in name order."""
    from oscar.core.loading import get_model

    rules = get_model("catalogue", "EligibilityRule").objects.filter(
        kind="group", service__stockrecords__partner=provider
    )
    return sorted(set(rules.values_list("group", flat=True)))


def describe(service):
    """The service's rules in plain words, one sentence each, for its page."""
    return [rule.describe() for rule in rules_of(service)]
