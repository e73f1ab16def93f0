"""The site's chrome from what editors keep in the CMS: menus, sections and sharing pictures."""

from django import template
from wagtail.models import Page, Site

from cms.chrome import kept
from cms.models import ArticlePage, Menu, SectorIndexPage, SiteSettings
from cms.routes import trail
from marketplace.links import is_safe_link

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context, slug):
    """The links of the menu with this slug as [{title, url, current}], or [] when there is none."""
    request = context.get("request")

    def links():
        menu = Menu.objects.filter(slug=slug).prefetch_related("items__link_page").first()
        if menu is None:
            return []
        return [
            {
                "title": item.title,
                "url": item.link_page.get_url(request) if item.link_page_id else item.link_url,
                "path": item.link_page.url_path if item.link_page_id else None,
            }
            for item in menu.items.all()
            # A link stored before the rule on MenuItem.link_url, or around it, is left out, not shown.
            if (item.link_page.live if item.link_page_id else is_safe_link(item.link_url))
        ]

    return kept(request, f"menu:{slug}", links)


@register.simple_tag(takes_context=True)
def sector_links(context):
    """The live sector pages, for a header whose editors have not made a main menu yet."""
    request = context.get("request")

    def links():
        return [
            {"title": page.title, "url": page.get_url(request), "path": page.url_path}
            for page in SectorIndexPage.objects.live().order_by("path")
        ]

    return kept(request, "sectors", links)


@register.simple_tag(takes_context=True)
def page_trail(context, page):
    """[(title, url)] of the pages above ``page`` (below the home page): the breadcrumbs."""
    return trail(context.get("request"), page)


@register.simple_tag(takes_context=True)
def site_settings(context):
    """The SiteSettings of the site serving the request (the default site outside one)."""
    request = context.get("request")

    def load():
        # Read, never create: Wagtail's for_site() would write a row on a visitor's first request.
        site = Site.find_for_request(request) if request is not None else None
        site = site or Site.objects.filter(is_default_site=True).first()
        settings = SiteSettings.objects.filter(site=site).select_related("share_image").first() if site else None
        return settings or SiteSettings(site=site)

    return kept(request, "settings", load)


@register.simple_tag(takes_context=True)
def page_meta(context):
    """What search engines and chat apps read about the Wagtail page being shown, or None off the CMS.

    The canonical address is the page's own, without the query string, so a sector page
    filtered a hundred ways is still one page to a search engine.
    """
    page = context.get("page")
    if not isinstance(page, Page):
        return None
    request = context.get("request")
    # The layout asks twice (the description, then the <head>'s links): worked out once per request.
    known = getattr(request, "_page_meta", None)
    if known is not None and known[0] is page:
        return known[1]
    meta = _page_meta(page.specific, request, context)
    if request is not None:
        request._page_meta = (page, meta)
    return meta


def _page_meta(page, request, context):
    if hasattr(page, "get_meta_description"):
        description = page.get_meta_description()
    else:
        description = page.search_description
    image = page.get_meta_image() if hasattr(page, "get_meta_image") else None
    if image is None:
        image = site_settings(context).share_image
    image_url = ""
    if image is not None:
        image_url = image.get_rendition("fill-1200x630").url
        if request is not None:
            image_url = request.build_absolute_uri(image_url)
    return {
        "title": page.seo_title or page.title,
        "description": description or "",
        "canonical": page.get_full_url(request),
        "type": "article" if isinstance(page, ArticlePage) else "website",
        "image": image_url,
        "image_alt": image.description if image is not None else "",
        "published": getattr(page, "date", None) if isinstance(page, ArticlePage) else None,
    }


@register.filter
def is_current(link, page):
    """Whether a menu link leads to ``page`` itself (for aria-current)."""
    return bool(page is not None and link.get("path") and getattr(page, "url_path", None) == link["path"])
