from django.contrib.messages.storage.base import BaseStorage
from oscar.apps.basket import middleware as core


class _Unsaid(BaseStorage):
    def _get(self, *args, **kwargs):
        return [], True

    def _store(self, messages, response, *args, **kwargs):
        return []

    def add(self, level, message, extra_tags=""):
        pass


class BasketMiddleware(core.BasketMiddleware):
    """Oscar's, without its sentence on merging baskets.

    A time chosen before signing in is carried into the account (Basket.merge keeps it as the one
    to confirm); Oscar announces this as "We have merged 1 item from a previous session to your
    basket", in English on a Chinese page and in a shop's words. The confirmation page shows the
    time itself, so the sentence is left unsaid; other messages of the request are untouched.
    """

    def get_basket(self, request):
        if request._basket_cache is not None:
            return request._basket_cache
        said = getattr(request, "_messages", None)
        request._messages = _Unsaid(request)
        try:
            return super().get_basket(request)
        finally:
            if said is None:
                del request._messages
            else:
                request._messages = said
