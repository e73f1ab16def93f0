from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district (``manage.py seed_demo``): data only, nothing in the product imports it."""

    name = "demo"
