"""Who answers the 12348 hotline (热线坐席): the one rule every door and service asks.

An operator holds the permission ``hotline.take_calls`` (given directly or through a group, as the
ratings moderators hold theirs). An operator works for no provider: they book any provider's
offering for a caller, as the district's line, so working for a provider is a different role.
"""

PERMISSION = "hotline.take_calls"


def is_operator(user):
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(PERMISSION))
