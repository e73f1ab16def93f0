from django import template

from marketplace.users import models as users
from providers.console import reads

register = template.Library()


@register.simple_tag
def open_case_count(user, provider):
    """For the console's navigation: the provider's follow-up cases still waiting for an answer."""
    return reads.open_case_count(user, provider)


@register.filter
def mask_name(name):
    """张三 → 张*: staff see whom they served without the page giving a name away."""
    return users.mask_name(name)
