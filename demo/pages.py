"""The demo's Wagtail site: the home page, sectors, a guide for every service, articles,
community stations, plain pages, menus and site settings."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    CommunityIndexPage,
    CommunityPage,
    DutyShift,
    FeaturedService,
    HomePage,
    Menu,
    MenuItem,
    SectorIndexPage,
    ServicePage,
    SiteSettings,
    StandardPage,
)
from demo import data as demo_data
from demo import english as demo_english
from providers.models import Community


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def publish_live(parent, page):
    """Add a live page without a revision: for the many pages of the demo, when a revision each would only
    slow the seed. Wagtail edits a page without revisions from its row; the first save makes one."""
    moment = timezone.now()
    page.live, page.has_unpublished_changes = True, False
    page.first_published_at = page.last_published_at = moment
    parent.add_child(instance=page)
    return page


def seed_home():
    """The HomePage, root of the default Site in place of Wagtail's welcome page; (page, created)."""
    created = 0
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's migration leaves a plain "Welcome" page (slug "home") as the
        # site root. Deleting it also deletes its Site (CASCADE); one is made below.
        welcome = (
            root.get_children()
            .filter(slug="home", content_type=ContentType.objects.get_for_model(Page), numchild=0)
            .first()
        )
        if welcome is not None:
            welcome.delete()
            root.refresh_from_db()
        slug = "home" if not root.get_children().filter(slug="home").exists() else "panlong"
        # No hero image: the page then shows the site's own illustration, not a generated placeholder.
        home = publish(root, HomePage(slug=slug, live=False, **demo_data.HOME_PAGE))
        created += 1
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.filter(hostname="localhost", port=80).first() or Site(hostname="localhost", port=80)
        site.is_default_site = True
    if site.root_page_id != home.pk or not site.pk:
        site.root_page = home
        site.site_name = demo_data.SITE_NAME
        site.save()
    return home, created


def seed_pages(categories, services, library, today):
    home, created = seed_home()
    new_home = bool(created)
    sector_pages = {page.slug: page for page in SectorIndexPage.objects.child_of(home)}
    taken = set(Page.objects.child_of(home).values_list("slug", flat=True))
    for sector in demo_data.SECTORS:
        if sector.slug in sector_pages or sector.slug in taken:
            continue
        sector_pages[sector.slug] = publish(
            home,
            SectorIndexPage(
                title=sector.name,
                slug=sector.slug,
                category=categories[sector.slug],
                intro=f"<p>{sector.intro}</p>",
                title_en=demo_english.SECTORS[sector.slug][0],
                intro_en=f"<p>{demo_english.SECTORS[sector.slug][1]}</p>",
                live=False,
            ),
        )
        home.refresh_from_db()
        created += 1
    sector_of = {slug: sector.slug for sector in demo_data.SECTORS for slug, _name in sector.children}
    for sector_slug, sector_page in sector_pages.items():
        taken = set(Page.objects.child_of(sector_page).values_list("slug", flat=True))
        for spec, product, _offerings in services:
            if sector_of[spec.category] != sector_slug or product.slug in taken:
                continue
            publish(
                sector_page,
                ServicePage(
                    title=product.title,
                    slug=product.slug,
                    product=product,
                    summary=product.summary,
                    title_en=demo_english.SERVICES[spec.slug][0],
                    summary_en=demo_english.SERVICES[spec.slug][1],
                    guide=spec.guide_blocks(library["documents"]),
                    other_ways=spec.other_ways(),
                    live=False,
                ),
            )
            taken.add(product.slug)
            created += 1
    translate_pages(sector_pages.values())
    created += seed_articles(home, library, today)
    created += seed_communities(home)
    created += seed_standard_pages(home)
    if new_home:
        feature_services(home)
    return created


def translate_pages(sector_pages):
    """Sector and service pages seeded before they had English get it, as an editor would publish it."""
    english = {
        slug: {"title_en": name, "intro_en": f"<p>{intro}</p>"} for slug, (name, intro) in demo_english.SECTORS.items()
    }
    english.update(
        {slug: {"title_en": name, "summary_en": summary} for slug, (name, summary) in demo_english.SERVICES.items()}
    )
    pages = [*sector_pages, *ServicePage.objects.filter(slug__in=demo_english.SERVICES)]
    for page in pages:
        # A page with an editor's draft waiting, or with English already, is the editors' to change.
        if page.title_en or page.has_unpublished_changes or page.slug not in english:
            continue
        for field, value in english[page.slug].items():
            setattr(page, field, value)
        page.save_revision().publish()


def seed_index(home, model, spec):
    """The index page with ``spec``'s slug under the home page; (page, created)."""
    page = model.objects.child_of(home).filter(slug=spec["slug"]).first()
    if page is not None:
        return page, 0
    home.refresh_from_db()
    return publish(home, model(live=False, **spec)), 1


def article_body(article, library, service_pages):
    body = []
    for block_type, value in article.body:
        if block_type == "paragraph":
            body.append(("paragraph", RichText(value)))
        elif block_type == "quote":
            body.append(("quote", {"text": value[0], "source": value[1]}))
        elif block_type == "image":
            image = library["images"][value]
            body.append(("image", {"image": image, "alt_text": image.description, "decorative": False}))
        elif block_type in ("audio", "video"):
            key, transcript = value
            body.append((block_type, {block_type: library["media"][key], "transcript": RichText(transcript)}))
        elif block_type == "consultation" and value[0] in service_pages:  # unless an editor removed the guide
            slug, heading, text = value
            body.append(("consultation", {"service": service_pages[slug], "heading": heading, "text": text}))
    return body


def seed_articles(home, library, today):
    """The news index and its articles, dated back from ``today``."""
    index, created = seed_index(home, ArticleIndexPage, demo_data.NEWS_INDEX)
    taken = set(Page.objects.child_of(index).values_list("slug", flat=True))
    wanted = {value[0] for article in demo_data.ARTICLES for kind, value in article.body if kind == "consultation"}
    service_pages = {page.slug: page for page in ServicePage.objects.filter(slug__in=wanted)}
    for article in demo_data.ARTICLES:
        if article.slug in taken:
            continue
        page = ArticlePage(
            title=article.title,
            slug=article.slug,
            kind=article.kind,
            date=today - timedelta(days=article.days_ago),
            summary=article.summary,
            feed_image=library["images"][article.image],
            body=article_body(article, library, service_pages),
            live=False,
        )
        page.tags.add(*article.tags)
        index.refresh_from_db()
        publish(index, page)
        created += 1
    return created


def seed_communities(home):
    """The stations index and a page for each community without one, with its duty schedule."""
    index, created = seed_index(home, CommunityIndexPage, demo_data.COMMUNITY_INDEX)
    index.refresh_from_db()
    communities = Community.objects.select_related("street").in_bulk(field_name="slug")
    has_page = set(CommunityPage.objects.values_list("community_id", flat=True))
    taken = set(Page.objects.child_of(index).values_list("slug", flat=True))
    shifts = []
    for station in demo_data.stations():
        community = communities.get(station.community)
        if community is None or community.pk in has_page or station.community in taken:
            continue
        page = publish_live(
            index,
            CommunityPage(
                title=community.name,
                slug=station.community,
                community=community,
                station_name=station.name,
                address=station.address,
                phone=station.phone,
                hours=demo_data.STATION_HOURS,
                latitude=station.latitude,
                longitude=station.longitude,
                intro=f"<p>{community.name}属于{community.street.name}。社区党群服务中心每周有“三官一律师”值班，"
                "居民可以现场咨询，也可以在云超市预约附近的服务。</p>",
            ),
        )
        shifts += [
            DutyShift(page=page, weekday=weekday, role=role, name=name, hours=hours, sort_order=order)
            for order, (weekday, role, name, hours) in enumerate(sorted(station.shifts))
        ]
        created += 1
    DutyShift.objects.bulk_create(shifts)
    return created


def seed_standard_pages(home):
    created = 0
    taken = set(Page.objects.child_of(home).values_list("slug", flat=True))
    for spec in demo_data.STANDARD_PAGES:
        if spec["slug"] in taken:
            continue
        home.refresh_from_db()
        publish(
            home,
            StandardPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=spec["intro"],
                body=[("paragraph", RichText(spec["body"]))],
                live=False,
            ),
        )
        created += 1
    return created


def feature_services(home):
    """The new home page's featured services, published as its second revision."""
    pages = {page.slug: page for page in ServicePage.objects.filter(slug__in=demo_data.FEATURED_SERVICES)}
    home.featured_services = [
        FeaturedService(service=pages[slug], sort_order=order)
        for order, slug in enumerate(demo_data.FEATURED_SERVICES)
        if slug in pages
    ]
    home.save_revision().publish()


def seed_menus():
    """The header's and the footer's menus, made once: editors arrange them afterwards."""
    created = 0
    home = HomePage.objects.first()
    children = {page.slug: page for page in Page.objects.child_of(home)}
    existing = set(Menu.objects.values_list("slug", flat=True))
    for slug, (name, links) in demo_data.MENUS.items():
        if slug in existing:
            if slug == "main":
                created += add_index_links(Menu.objects.get(slug=slug))
            continue
        menu = Menu(name=name, slug=slug)
        menu.items = [
            MenuItem(link_page=children[link[1]], sort_order=order)
            if link[0] == "page"
            else MenuItem(link_url=link[1], label=link[2], sort_order=order)
            for order, link in enumerate(links)
            if link[0] == "url" or link[1] in children
        ]
        menu.save()
        created += 1
    return created


def add_index_links(menu):
    """The index links a main menu made before them lacks, at its end; how many were added."""
    present = set(menu.items.values_list("link_url", flat=True))
    missing = [link for link in demo_data.INDEX_LINKS if link[1] not in present]
    last = max((order for order in menu.items.values_list("sort_order", flat=True) if order is not None), default=-1)
    for order, (_kind, url, label) in enumerate(missing, start=last + 1):
        MenuItem.objects.create(menu=menu, link_url=url, label=label, sort_order=order)
    return len(missing)


def seed_settings(library):
    """The default site's header and footer words, unless someone has written them already."""
    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.objects.filter(site=site).first() or SiteSettings(site=site)
    if settings.pk and (settings.footer_text or settings.address or settings.email or settings.share_image_id):
        return 0
    for field, value in demo_data.SITE_SETTINGS.items():
        setattr(settings, field, value)
    settings.share_image = library["images"]["share"]
    settings.save()
    return 1
