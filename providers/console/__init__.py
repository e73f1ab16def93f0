"""The provider console (``/provider/``): the pages a provider's staff work in.

Every view is wrapped in :func:`providers.console.access.console_view`, the one
rule for who may see which provider's console. Views stay thin: reads come from
:mod:`providers.console.reads`, every change goes through a domain service
(``marketplace.booking.services``, ``providers.plans``, ``providers.closures``,
``ratings.services``). Templates are the providers app's
(``providers/templates/providers/``).
"""
