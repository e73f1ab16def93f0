"""The slot travels through Oscar's basket and order as a required product option."""

from django.utils.translation import gettext_lazy as _

SLOT_OPTION_CODE = "slot"


def slot_option():
    from oscar.core.loading import get_model

    Option = get_model("catalogue", "Option")
    option, _created = Option.objects.get_or_create(
        code=SLOT_OPTION_CODE,
        defaults={"name": str(_("Time slot")), "type": Option.TEXT, "required": True},
    )
    return option


def parse_slot_id(value):
    from marketplace.ids import parse_id

    return parse_id(value)


def slot_id_from_options(options):
    for item in options or []:
        if getattr(item["option"], "code", None) == SLOT_OPTION_CODE:
            return parse_slot_id(item["value"])
    return None


def slot_from_options(options, known=None):
    """The slot chosen in a line's options; ``known`` slots by id save a query."""
    from providers.models import Slot

    slot_id = slot_id_from_options(options)
    if slot_id is None:
        return None
    if known and slot_id in known:
        return known[slot_id]
    return Slot.objects.select_related("offering__partner").filter(pk=slot_id).first()


def slot_id_of_line(line):
    """The slot id stored on a basket or order line, if it has one."""
    for attribute in line.attributes.all():
        # Order line attributes keep the option's code in ``type``; basket ones only link the option.
        code = getattr(attribute, "type", None) or (attribute.option.code if attribute.option_id else None)
        if code == SLOT_OPTION_CODE:
            return parse_slot_id(attribute.value)
    return None
