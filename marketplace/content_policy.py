"""The Content-Security-Policy of every page (issue 18, item 4), by django-csp.

Residents' and providers' pages (everything but the administrators' tools) run only
scripts and style sheets from our own static files: no inline script, no inline style
sheet, no other site (``CONTENT_SECURITY_POLICY`` in the settings). Should an escaping
mistake ever let a resident's text into a page as markup, the browser still runs none of it.

The administrators' tools — Wagtail's admin (``/cms/``), Oscar's dashboard
(``/shop/dashboard/``) and Django's admin (``/django-admin/``) — are third-party pages
built on inline scripts and styles; they get a policy of their own
(``CONTENT_SECURITY_POLICY_ADMIN``) that allows those but still only from this site, with
no plug-ins, no other base URL, no framing by another site and no form posted elsewhere.
Only signed-in staff reach them.
"""

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings


def is_admin_path(path):
    return path.startswith(tuple(settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIXES))


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the administrators' policy for their paths."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # A view's own @csp_override decorator (parts.config) still wins.
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts
