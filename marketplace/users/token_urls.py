"""The apps signed in to a resident's account (their API tokens), under /shop/accounts/apps/."""

from django.urls import path

from marketplace.users import views

urlpatterns = [
    path("", views.api_tokens, name="api-tokens"),
    path("<int:token_id>/sign-out/", views.revoke_api_token, name="api-token-revoke"),
    path("sign-out-all/", views.revoke_all_api_tokens, name="api-tokens-revoke-all"),
]
