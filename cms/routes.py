"""Wagtail's page serving, with the page each path leads to kept across requests.

Wagtail finds a page by walking the tree from the site's root, two queries per level (five to eight
for a service page) on every request. Which page a path leads to changes only when a page is
published, unpublished, moved or deleted, the changes that replace the chrome's version
(cms/chrome.py), so the answer is kept under it. A kept page is read again by its id, live only;
anything else (a page that routes further, a 404) is routed by Wagtail as before. Whether a view
restriction applies to the page is kept with it (saving or deleting a restriction replaces the version
too); every serve hook still runs on each request, and a restriction that applies is read and checked.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField
from wagtail import views as wagtail_views
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from cms.chrome import kept
from marketplace.prepared import Param, Prepared

NOT_KEPT = ()

# {page model: its read by id}: prepared (marketplace/prepared.py), every visit to a page reads one.
_PAGE_READS = {}


def _live_page(model):
    read = _PAGE_READS.get(model)
    if read is None:

        def define():
            pages = model.objects.filter(pk=Param("page", BigIntegerField()), live=True)
            pages = pages.select_related(*getattr(model, "serve_related", ()))
            if hasattr(model, "serve_queryset"):
                pages = model.serve_queryset(pages)
            # By its primary key: one row or none, so no ORDER BY (``first()`` would sort by path).
            return pages.order_by()[:1]

        read = _PAGE_READS[model] = Prepared(define)
    return read


def _route(request, path):
    """(content type id, page id, whether a view restriction applies) of the page ``path`` leads to,
    or NOT_KEPT."""
    result = Page.route_for_request(request, path)
    if result is None:
        return NOT_KEPT
    page, args, kwargs = result
    if args or kwargs:  # a page that routes further decides per request
        return NOT_KEPT
    return (page.content_type_id, page.pk, page.get_view_restrictions().exists())


def serve(request, path):
    if request.method in ("GET", "HEAD") and not hasattr(request, "_wagtail_route_for_request"):
        known = kept(request, f"page:{path}", lambda: _route(request, path))
        if known and not hasattr(request, "_wagtail_route_for_request"):
            content_type, pk, restricted = known
            model = ContentType.objects.get_for_id(content_type).model_class()
            page = None
            if model:
                page = next(iter(_live_page(model).objects(page=pk)), None)
            if page is not None:
                # Read by the pages that ask (KeptForVisitors): Wagtail's check then sends no query.
                page.known_unrestricted = not restricted
                request._wagtail_route_for_request = RouteResult(page)
    return wagtail_views.serve(request, path)


def trail(request, page):
    """[(title, url)] of the pages above ``page`` below the home page, for the breadcrumbs."""

    def ancestors():
        return [
            (ancestor.display_title, ancestor.get_url(request))
            for ancestor in page.get_ancestors().filter(depth__gt=2).specific()
        ]

    return kept(request, f"trail:{page.pk}", ancestors)
