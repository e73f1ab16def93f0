"""The Site (django.contrib.sites) names the host of SITE_URL.

Django and Oscar build the links of their own emails (password reset, above all) from the
current Site's domain, not from SITE_URL: left at Django's "example.com", a resident's reset
link would lead to someone else's host. Every ``migrate`` (run on each deployment) sets it.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_domain():
    return urlsplit(settings.SITE_URL).netloc


def sync_site_domain(sender, using="default", apps=None, **kwargs):
    """post_migrate: after django.contrib.sites has made its default Site, give it our domain."""
    from django.contrib.sites.models import Site

    domain = site_domain()
    if not domain:
        return
    site, created = Site.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.WAGTAIL_SITE_NAME}
    )
    if created:
        return
    changed = {"domain": domain} if site.domain != domain else {}
    if site.name == "example.com":  # Django's placeholder; a name an administrator chose stays
        changed["name"] = settings.WAGTAIL_SITE_NAME
    if changed:
        Site.objects.using(using).filter(pk=site.pk).update(**changed)
        Site.objects.clear_cache()
