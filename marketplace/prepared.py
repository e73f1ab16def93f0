"""Queries that Django builds and compiles once per process, then runs with new values.

For the small reads of a page every resident opens, building and compiling the queryset costs the
ORM two to three times what the database takes to answer (the service page's list of days: 0.8 ms
of 1.2, bench/service_page_cpu.py). A ``Prepared`` query is still defined as a queryset, so its rules
stay where they are (``has_places``, the booking window); ``Param`` stands in it for each value that
changes from one run to the next, and each run binds those values to the SQL compiled the first time.

Whatever the definition reads that is not a ``Param`` is compiled into the query for good: it must
read nothing that varies (a service's settings, the time). The current time zone, which a date of
the local calendar depends on, is part of what a compiled query is kept under.
"""

from django.db import connections
from django.db.models import Expression
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


class Prepared:
    """A query defined by ``define()``, a queryset in which ``Param``s stand for the values of a run."""

    def __init__(self, define):
        self.define = define
        self._compiled = {}

    def _compile(self, connection):
        key = (connection.alias, timezone.get_current_timezone_name())
        compiled = self._compiled.get(key)
        if compiled is None:
            queryset = self.define()
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
            compiled = self._compiled[key] = (queryset.model, compiler, sql, tuple(params), columns)
        return compiled

    def _bound(self, connection, params, values):
        return [param.bind(values, connection) if isinstance(param, Param) else param for param in params]

    def rows(self, using="default", **values):
        """The rows as tuples, each value converted as the queryset would have."""
        connection = connections[using]
        _, compiler, sql, params, columns = self._compile(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, self._bound(connection, params, values))
            rows = cursor.fetchall()
        converters = compiler.get_converters(columns)
        return list(compiler.apply_converters(rows, converters)) if converters else rows

    def objects(self, using="default", **values):
        """The rows as instances of the queryset's model, annotations as their attributes."""
        connection = connections[using]
        model, _, sql, params, _ = self._compile(connection)
        return list(model.objects.using(using).raw(sql, self._bound(connection, params, values)))
