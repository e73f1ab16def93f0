from django import template

from marketplace.matters import services

register = template.Library()


@register.simple_tag
def open_matter_count(user, provider):
    """For the console's navigation: the provider's matters not yet ended (one query)."""
    return services.queue_of(user, status="open", organisation=provider).count()
