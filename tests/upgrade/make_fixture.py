"""Record a release's demo database for the upgrade test (tests/upgrade/test_upgrade.py).

    .venv/bin/python tests/upgrade/make_fixture.py <commit> [<name>]

checks the commit out in a temporary git worktree (sharing this checkout's .venv), runs *its* ``migrate``
and ``seed_demo`` on a fresh SQLite file, and writes ``tests/upgrade/fixtures/<name>.json.xz``: the
migrations that release had applied and every row its ``dumpdata`` gives (primary keys kept), less the
tables that are only derived from the rest (see ``DERIVED``). At a release, run it for the release's tag
and commit the file; README "Upgrades" says which fixtures the test keeps.
"""

import json
import lzma
import os
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Rebuilt from the rest or kept only for a while, so an upgrade need not carry them: sessions, the search
# indexes (rebuild_search_index), image renditions and thumbnails (made again on demand), the task queue's
# finished and pending runs (the seed's notices), sign-in attempt logs, and Wagtail's per-user page
# locks/subscriptions and revisions' previews. Everything a resident, provider or district made stays.
DERIVED = [
    "sessions",
    "wagtailsearch",
    "wagtailimages.rendition",
    "django_tasks_database",
    "axes",
    "thumbnail",
    # Oscar's category tree of each product: a materialised view on PostgreSQL, no table on SQLite.
    "catalogue.productcategoryhierarchy",
]


def run(args, **kwargs):
    print("$", " ".join(str(a) for a in args), flush=True)
    return subprocess.run(args, check=True, **kwargs)


def main(commit, name=None):
    sha = subprocess.check_output(["git", "-C", ROOT, "rev-parse", commit], text=True).strip()
    name = name or sha[:7]
    with tempfile.TemporaryDirectory(prefix="panlong-release-") as tmp:
        tree = Path(tmp) / "tree"
        run(["git", "-C", ROOT, "worktree", "add", "--detach", tree, sha])
        try:
            (tree / ".venv").symlink_to(ROOT / ".venv")
            # Kept until the fixture is written: seeding takes minutes, a failed dump need not repeat it.
            database = Path(tempfile.gettempdir()) / f"panlong-release-{sha[:12]}.sqlite3"
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{database}",
                "MEDIA_ROOT": str(Path(tmp) / "media"),
                "PRIVATE_MEDIA_ROOT": str(Path(tmp) / "private"),
                "DJANGO_SETTINGS_MODULE": "marketplace.settings.dev",
            }
            # Identity data is encrypted with the development key, the one the test settings read it with.
            for name in ("PERSONAL_DATA_KEY", "PERSONAL_DATA_HASH_KEY"):
                env.pop(name, None)
            python = [tree / ".venv/bin/python", "manage.py"]
            seeded = database.with_suffix(".seeded")
            if not seeded.exists():
                database.unlink(missing_ok=True)
                run([*python, "migrate", "--noinput", "-v", "0"], cwd=tree, env=env)
                run([*python, "seed_demo"], cwd=tree, env=env)
                seeded.touch()
            dump = Path(tmp) / "dump.json"
            excluded = [arg for label in installed_derived(python, tree, env) for arg in ("--exclude", label)]
            run([*python, "dumpdata", "--all", *excluded, "--output", dump], cwd=tree, env=env)
            with sqlite3.connect(database) as db:
                migrations = db.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        finally:
            run(["git", "-C", ROOT, "worktree", "remove", "--force", tree])
        fixture = {
            "commit": sha,
            "made": datetime.now(UTC).isoformat(timespec="seconds"),
            "migrations": migrations,
            "objects": json.loads(dump.read_text()),
        }
    FIXTURES.mkdir(exist_ok=True)
    target = FIXTURES / f"{name}.json.xz"
    partial = target.with_suffix(".part")  # the test never meets half a fixture
    with lzma.open(partial, "wt", preset=9 | lzma.PRESET_EXTREME) as out:
        json.dump(fixture, out, ensure_ascii=False, separators=(",", ":"))
    partial.replace(target)
    print(f"{target}: {len(fixture['objects'])} rows, {target.stat().st_size // 1024} KiB")
    database.unlink()
    database.with_suffix(".seeded").unlink()


def installed_derived(python, tree, env):
    """The DERIVED labels that release has (dumpdata refuses to exclude an app it does not know)."""
    script = (
        "import json; from django.apps import apps\n"
        f"labels = {DERIVED!r}\n"
        "def known(label):\n"
        "    app, _, model = label.partition('.')\n"
        "    try:\n"
        "        config = apps.get_app_config(app)\n"
        "    except LookupError:\n"
        "        return False\n"
        "    return not model or model in {m._meta.model_name for m in config.get_models()}\n"
        "print(json.dumps([label for label in labels if known(label)]))"
    )
    out = subprocess.check_output([*python, "shell", "-c", script], cwd=tree, env=env, text=True)
    return json.loads(out.strip().splitlines()[-1])


if __name__ == "__main__":
    main(*sys.argv[1:])
