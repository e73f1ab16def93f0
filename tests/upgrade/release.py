"""A release's database rebuilt from its fixture (made by tests/upgrade/make_fixture.py), for the upgrade test.

The rows are written with the models as they were at that release (the migrations' historical models), into a
schema migrated to exactly the migrations the release had applied, so today's migrations meet what an
installation of that release would hand them.
"""

import itertools
import json
import lzma
import os
import shutil
import uuid
from collections import defaultdict
from contextlib import contextmanager

from django.core.cache import caches
from django.core.management.color import no_style
from django.core.serializers.python import Deserializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend


def read(path):
    with lzma.open(path, "rt") as fixture:
        return {**json.load(fixture), "name": path.name.removesuffix(".json.xz")}


def rows(release, *labels):
    """The release's rows of the models named ``app_label.model_name`` (a model that moved has had two names)."""
    return [row for row in release["objects"] if row["model"] in labels]


def forget_cached_rows():
    """Caches that outlive a connection: the content types' and sites' by id, Wagtail's site root paths."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site

    ContentType.objects.clear_cache()
    Site.objects.clear_cache()
    for cache in caches.all():
        cache.clear()


@contextmanager
def own_default_database(path, copy_of=None):
    """The default connection points at a new database on the configured server (or the SQLite file ``path``),
    empty or a copy of ``copy_of`` (a connection this gave earlier, closed for the copy), so that today's code
    (pages, services, commands) runs on the upgraded rows unchanged; the test database is neither used nor
    touched, and the default connection is given back after."""
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = {**original.settings_dict}
    postgres = original.vendor == "postgresql"
    # CREATE and DROP DATABASE go through the test run's own connection, which never points at these.
    admin = original if copy_of is None else copy_of.admin
    if copy_of is not None:
        copy_of.close()  # PostgreSQL copies only a database nobody is connected to; SQLite folds its WAL in
    if postgres:
        settings_dict["NAME"] = f"test_panlong_upgrade_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        template = f' TEMPLATE "{copy_of.settings_dict["NAME"]}"' if copy_of is not None else ""
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"{template}')
    else:
        settings_dict["NAME"] = str(path)
        if copy_of is not None:
            shutil.copyfile(copy_of.settings_dict["NAME"], path)
    upgraded = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    upgraded.admin = admin
    forget_cached_rows()
    connections[DEFAULT_DB_ALIAS] = upgraded
    try:
        yield upgraded
    finally:
        upgraded.close()
        connections[DEFAULT_DB_ALIAS] = original
        forget_cached_rows()
        if postgres:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')


def oldest_first(releases):
    """The releases in the order they were made: each holds every migration of the one before, so that one
    database can be taken from each release's schema to the next."""
    ordered = sorted(releases, key=lambda release: len(release["migrations"]))
    for earlier, later in itertools.pairwise(ordered):
        missing = {tuple(key) for key in earlier["migrations"]} - {tuple(key) for key in later["migrations"]}
        assert not missing, f"{later['name']} lacks migrations {earlier['name']} had applied: {sorted(missing)}"
    return ordered


def migrate_to(connection, release):
    """Apply exactly the migrations the release had applied, to an empty database or one at an earlier release's
    schema; return the models as they were then."""
    applied = {tuple(key) for key in release["migrations"]}
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    # A squashed migration stands in the graph for those it replaces; the database records both.
    squashed = {key for migration in executor.loader.replacements.values() for key in migration.replaces}
    gone = applied - set(graph.nodes) - squashed
    assert not gone, f"migrations of a release were deleted or renamed since: {sorted(gone)}"
    nodes = applied & set(graph.nodes)
    # The release's leaves: applied migrations that no other applied migration depends on.
    targets = [key for key in nodes if not any(child.key in nodes for child in graph.node_map[key].children)]
    executor.migrate(targets)
    assert set(MigrationRecorder(connection).applied_migrations()) == applied
    return executor.loader.project_state(targets).apps


class HistoricalDeserializer(Deserializer):
    """Django's deserializer, reading each row into the model of the release rather than today's."""

    def __init__(self, objects, apps, **options):
        super().__init__(objects, **options)
        self.historical_apps = apps

    def _get_model_from_node(self, model_identifier):
        return self.historical_apps.get_model(model_identifier)


def load(connection, apps, objects):
    """Write the release's rows as they are: primary keys kept, no save() logic (``auto_now`` would stamp
    today), relations checked when the transaction commits."""
    models = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]
    tables = [model._meta.db_table for model in models]
    # The release's own data migrations (Wagtail's first page, Oscar's defaults…) wrote rows the fixture holds too.
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=connection.vendor != "sqlite")
    )
    instances = defaultdict(list)
    links = defaultdict(list)
    for deserialized in HistoricalDeserializer(objects, apps, using=connection.alias):
        instance = deserialized.object
        instances[type(instance)].append(instance)
        for name, values in deserialized.m2m_data.items():
            field = type(instance)._meta.get_field(name)
            through = field.remote_field.through
            links[through].extend(
                through(**{field.m2m_field_name() + "_id": instance.pk, field.m2m_reverse_field_name() + "_id": value})
                for value in values
            )
    with transaction.atomic(using=connection.alias):
        for model, batch in [*instances.items(), *links.items()]:
            # The insert bulk_create makes, in raw mode: only the model's own table (a page's subclass row
            # beside its wagtailcore_page row, both in the fixture) and the values as dumped.
            fields = [field for field in model._meta.local_concrete_fields if not field.generated]
            if model in links:
                fields = [field for field in fields if not field.primary_key]
            size = max(1, connection.ops.bulk_batch_size(fields, batch))
            manager = model._base_manager.using(connection.alias)
            for start in range(0, len(batch), size):
                manager._insert(batch[start : start + size], fields=fields, raw=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
