"""Dependencies point one way (DESIGN.md §3): nothing imports the pages (``cms``) but the URL configuration
and the seed, nothing imports the demo at all, and the pages import no view."""

import ast

from tests.source_files import PACKAGES, ROOT, python_sources

# Who may import the pages: the URL configuration (robots.txt, the community choice, the 404 page) and the seed.
MAY_IMPORT_CMS = ("marketplace/urls.py", "cms/", "demo/")


def imported_modules(source):
    """Every module a file imports, at the top or inside a function, as dotted names."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # "from search import views" imports search.views: count the names as modules too.
            found += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return found


def product_modules():
    for path in python_sources(PACKAGES):
        yield str(path.relative_to(ROOT)), imported_modules(path.read_text(encoding="utf-8"))


def top(module):
    return module.split(".")[0]


def test_nothing_in_the_product_imports_the_demo():
    found = {
        name: sorted({m for m in modules if top(m) == "demo"})
        for name, modules in product_modules()
        if not name.startswith("demo/") and any(top(m) == "demo" for m in modules)
    }
    assert found == {}


def test_only_the_url_configuration_and_the_seed_import_the_pages():
    found = {
        name: sorted({m for m in modules if top(m) == "cms"})
        for name, modules in product_modules()
        if not name.startswith(MAY_IMPORT_CMS) and any(top(m) == "cms" for m in modules)
    }
    assert found == {}


def test_the_pages_import_no_view():
    def a_view(module):
        return top(module) in PACKAGES and module.split(".")[-1].endswith("views")

    found = {
        name: sorted({m for m in modules if a_view(m)})
        for name, modules in product_modules()
        if name.startswith("cms/") and any(a_view(m) for m in modules)
    }
    assert found == {}


def test_the_scan_finds_imports_inside_functions_and_from_a_package():
    source = "from search import views\n\n\ndef f():\n    import demo.data\n"
    assert imported_modules(source) == ["search", "search.views", "demo.data"]


# The doors of staff who book for a resident (the 12348 hotline, the grid worker) sit on top of booking:
# booking decides for every door, so it knows none of them.
DOORS_ON_TOP_OF_BOOKING = ("marketplace.hotline", "marketplace.grid")


def test_booking_imports_neither_the_hotline_nor_the_grid():
    def a_door(module):
        return module.startswith(DOORS_ON_TOP_OF_BOOKING)

    found = {
        name: sorted({m for m in modules if a_door(m)})
        for name, modules in product_modules()
        if name.startswith("marketplace/booking/") and any(a_door(m) for m in modules)
    }
    assert found == {}
