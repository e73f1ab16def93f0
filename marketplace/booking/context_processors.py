from django.utils.functional import SimpleLazyObject

from marketplace.booking import attention


def waiting_for_resident(request):
    """``attention``: what waits for the signed-in resident, read only by a page that shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"attention": SimpleLazyObject(lambda: attention.waiting_for(user))}
