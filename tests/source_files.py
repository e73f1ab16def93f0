"""Our Python source files, as the tests that read the code (dependencies, untranslated text) see them."""

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The product's own packages: tests and bench scripts are not part of it.
PACKAGES = ["marketplace", "cms", "catalog", "providers", "ratings", "search", "streetindex", "demo"]


def python_sources(folders):
    """Each ``.py`` file under the ``folders`` (relative to the project), sorted, migrations left out.

    makemessages (tests/test_translations.py, perhaps on another worker right now) writes each .html and
    .txt file it reads as a throwaway "<file>.html.py" beside it for a moment: not Python, and not ours.
    """
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            throwaway = path.with_suffix("").suffix in (".html", ".txt")
            if "migrations" not in path.parts and not throwaway:
                yield path
