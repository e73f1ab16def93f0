"""Bearer tokens as the API checks them: Wagtail's hashed APIToken, which also expire."""

from django.contrib.auth.models import AnonymousUser
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

from marketplace.users import tokens


class ExpiringBearerAuth(BearerTokenAuth):
    """Wagtail's ``BearerTokenAuth``, and a token past its idle or absolute lifetime answers 401
    ``token_expired`` (not ``unauthorized``: the app should sign in again, not give up).

    The lifetime is checked before ``last_used_at`` moves on, so an idle token cannot be revived.
    """

    def authenticate(self, request, token):
        request.user = AnonymousUser()
        # Sliced, not first(): a key hash names one token, so no ORDER BY for every API request.
        api_token = next(
            iter(
                APIToken.objects.select_related("user").filter(
                    key_hash__in=APIToken.candidate_key_hashes(token), revoked_at__isnull=True
                )[:1]
            ),
            None,
        )
        if api_token is None or not api_token.user.is_active:
            return None
        tokens.ensure_current(api_token)
        request.user = api_token.user
        self._touch_last_used(api_token)
        return api_token
