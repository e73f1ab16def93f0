"""Queries that Django builds and compiles once per process, then runs with new values.

For the small reads of a page every resident opens, building and compiling the queryset costs the
ORM two to three times what the database takes to answer. Measured in-process on 2026-12-07, the
service page's list of days took 1.2 ms, 0.8 of them to build and compile. Preparing the page's five
reads took the page from 13–15 to 9–10 ms (BENCHMARKS.md).

A ``Prepared`` query is still defined as a queryset, so its rules stay where they are (``has_places``,
the booking window). ``Param`` stands in it for each value that changes from one run to the next, and
each run binds those values to the SQL compiled the first time.

Whatever the definition reads that is not a ``Param`` is compiled into the query for good: it must
read nothing that varies (a service's settings, the time). The current time zone, which a date of
the local calendar depends on, is part of what a compiled query is kept under.

Rows become values and instances as the queryset's own iteration makes them: converted by the
backend, with the related instances of ``select_related`` and the annotations. ``objects`` repeats
the steps of Django's ``ModelIterable`` with what the compiler worked out the first time.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import Expression
from django.db.models.query import get_related_populators
from django.utils import timezone


class Param(Expression):
    """A value of a ``Prepared`` query, named here and given on each run."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def bind(self, values, connection):
        return self.output_field.get_db_prep_value(values[self.name], connection)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    converters: dict  # {column: ([converter, …], expression)}, as Django's compiler gives them
    select: list  # what the compiler made of the query: its columns…
    klass_info: dict | None  # …which of them make which model's instances…
    annotation_col_map: dict | None  # …and which are annotations.


class Prepared:
    """A query defined by ``define()``, a queryset in which ``Param``s stand for the values of a run."""

    def __init__(self, define):
        self.define = define
        self._compiled = {}

    def _compile(self, connection):
        key = (connection.alias, timezone.get_current_timezone_name())
        compiled = self._compiled.get(key)
        if compiled is None:
            compiler = self.define().query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()  # also fills in compiler.select, klass_info…
            columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
            compiled = self._compiled[key] = _Compiled(
                sql,
                tuple(params),
                compiler.get_converters(columns),
                compiler.select,
                compiler.klass_info,
                compiler.annotation_col_map,
            )
        return compiled

    def _rows(self, connection, compiled, values):
        params = [param.bind(values, connection) if isinstance(param, Param) else param for param in compiled.params]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return rows
        # SQLCompiler.apply_converters, with this thread's connection rather than the compiling one's.
        converted = []
        for row in rows:
            row = list(row)
            for position, (converters, expression) in compiled.converters.items():
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            converted.append(row)
        return converted

    def rows(self, using="default", **values):
        """The rows of a ``values_list`` query, each value converted as the queryset would."""
        connection = connections[using]
        return self._rows(connection, self._compile(connection), values)

    def objects(self, using="default", **values):
        """The instances of a model query, with their ``select_related`` instances and annotations."""
        connection = connections[using]
        compiled = self._compile(connection)
        select, klass_info = compiled.select, compiled.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        fields = [column.target.attname for column, _, _ in select[start:end]]
        related = get_related_populators(klass_info, select, using)
        objects = []
        for row in self._rows(connection, compiled, values):
            obj = klass_info["model"].from_db(using, fields, row[start:end])
            for populator in related:
                populator.populate(row, obj)
            for name, position in compiled.annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
