"""The default backend: ServiceDocument searched with the database's own full-text index.

A search is at most three statements over the documents matching the text
and the filters that are not facets (providers, open place within N days):

1. counts grouped by the facet values a document carries (its sectors, its
   streets, free, mode, and whether it is in the chosen categories and
   communities): a few thousand groups at most, added up here into the
   total and every facet's counts. Facets are multi-select, so each facet
   counts with the other facets' filters but not its own;
2. the communities' counts, only once a street or community is chosen;
3. the page of hits, in order.

Counting groups rather than rows keeps a broad search to one pass over the
matches (BENCHMARKS.md, Search), and the counts are kept until a document
changes (search.counts): the pages of a search, a sector page and common
words count once. The page itself reads an index in the page's order and
stops at the page's end; on PostgreSQL a search by relevance takes the
services named for the words first (their own small index), then the rest
by popularity.
"""

import json
from datetime import timedelta

from django.db import connection, transaction

from search import counts
from search.backends import Backend
from search.models import ServiceDocument, SuggestKey
from search.query import MODE_COVERS, RawResult

DOCUMENTS = ServiceDocument._meta.db_table
# FTS5's bm25 weights per column (title, summary, body), after the title match.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)
# PostgreSQL settings for the search statements only: no JIT (compiling costs more than a
# search), room to group in memory, and, with text, the GIN index rather than reading every row's vector.
POSTGRESQL_SETTINGS = {"jit": "off", "work_mem": "16MB"}
POSTGRESQL_TEXT_SETTINGS = {"enable_seqscan": "off"}


class Dialect:
    """The few places where SQLite and PostgreSQL differ."""

    def __init__(self, vendor):
        self.postgresql = vendor == "postgresql"

    def expression(self, groups, match_any=False):
        """The expanded query as tsquery or FTS5 query text. Tokens are letters and digits only.

        Every group must match, or with ``match_any`` any one of them (a query relaxed to its parts).
        """
        if self.postgresql:
            quote, conj, disj = (lambda token: f"'{token}'"), " & ", " | "
        else:
            quote, conj, disj = (lambda token: f'"{token}"'), " AND ", " OR "
        return (disj if match_any else conj).join(
            "(" + disj.join("(" + conj.join(quote(token) for token in tokens) + ")" for tokens in alternatives) + ")"
            for alternatives in groups
        )

    def source(self, with_text):
        if with_text and not self.postgresql:
            return f"sitesearch_fts JOIN {DOCUMENTS} d ON d.product_id = sitesearch_fts.rowid"
        return f"{DOCUMENTS} d"

    def match(self, expression):
        if self.postgresql:
            return "d.search_vector @@ CAST(%s AS tsquery)", [expression]
        return "sitesearch_fts MATCH %s", [expression]

    def title_match(self, expression):
        """(SQL true when the title alone matches the whole query, params)."""
        if self.postgresql:
            return "d.title_vector @@ CAST(%s AS tsquery)", [expression]
        return (
            "d.product_id IN (SELECT rowid FROM sitesearch_fts WHERE sitesearch_fts MATCH %s)",
            [f"title_tokens : ({expression})"],
        )

    def matches(self, expression):
        """(SQL 1 when the document matches ``expression``, else 0; params): counting the parts a service has."""
        if self.postgresql:
            return "CASE WHEN d.search_vector @@ CAST(%s AS tsquery) THEN 1 ELSE 0 END", [expression]
        found = "SELECT rowid FROM sitesearch_fts WHERE sitesearch_fts MATCH %s"
        return f"CASE WHEN d.product_id IN ({found}) THEN 1 ELSE 0 END", [expression]

    def text_rank(self):
        """A further ordering among services equally named for the query."""
        if self.postgresql:
            return None
        return "bm25(sitesearch_fts, {}, {}, {})".format(*SQLITE_WEIGHTS)

    def any_of(self, column, values):
        """(SQL true when the JSON list ``column`` holds any of ``values``, params)."""
        marks = ", ".join(["%s"] * len(values))
        if self.postgresql:
            return f"{column} ?| ARRAY[{marks}]::text[]", list(values)
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value IN ({marks}))", list(values)

    def in_list(self, column, values):
        """any_of as a 0/1 column, or a constant 1 when nothing is chosen."""
        if not values:
            return "1", []
        condition, params = self.any_of(column, values)
        return f"CASE WHEN {condition} THEN 1 ELSE 0 END", params

    def values(self, raw):
        """A JSON list column as Python: psycopg parses jsonb itself, SQLite gives text."""
        return raw if isinstance(raw, list) else json.loads(raw)


class Search:
    """One search's SQL pieces, built once and used by the three statements."""

    def __init__(self, query, groups, now, match_any=False):
        self.query = query
        self.dialect = Dialect(connection.vendor)
        self.with_text = bool(groups)
        self.groups = groups
        self.match_any = match_any
        self.where, self.params = [], []
        if groups:
            self.expression = self.dialect.expression(groups, match_any)
            condition, params = self.dialect.match(self.expression)
            self.where.append(condition)
            self.params += params
            self.typed = sum(len(token) for alternatives in groups for token in alternatives[0])
        if query.providers:
            condition, params = self.dialect.any_of("d.providers", [str(value) for value in query.providers])
            self.where.append(condition)
            self.params += params
        if query.available_within_days is not None:
            self.where.append("d.next_slot_at > %s AND d.next_slot_at <= %s")
            self.params += [now, now + timedelta(days=query.available_within_days)]
        self.modes = {mode for value in query.modes for mode in MODE_COVERS.get(value, ())}

    def facet_filters(self, leave_out=None):
        """(SQL conditions, params) of the facet filters but ``leave_out``'s."""
        query, conditions, params = self.query, [], []
        for name, column, values in (
            ("category", "d.categories", query.categories),
            ("street", "d.streets", query.streets),
            ("community", "d.communities", query.communities),
        ):
            if values and name != leave_out:
                condition, condition_params = self.dialect.any_of(column, values)
                conditions.append(condition)
                params += condition_params
        if query.free is not None and leave_out != "free":
            conditions.append("d.is_free = %s")
            params.append(query.free)
        if query.modes and leave_out != "mode":
            conditions.append(f"d.mode IN ({', '.join(['%s'] * len(self.modes)) or 'NULL'})")
            params += sorted(self.modes)
        return conditions, params

    def statement(self, select, extra_where=(), extra_params=(), tail="", without_text=False):
        """``without_text``: leave the text condition (the first, with one param) to ``extra_where``."""
        where, params = self.where, self.params
        if without_text and self.with_text:
            where, params = where[1:], params[1:]
        where = [*where, *extra_where]
        sql = f"SELECT {select} FROM {self.dialect.source(self.with_text and not without_text)}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # The text's params come first in the WHERE clause; the select's own params are passed by the caller.
        return f"{sql} {tail}".strip(), [*params, *extra_params]

    def named_first(self):
        """Whether the page is better read as 'named for the words, then the rest' (see _page_named_first)."""
        return self.dialect.postgresql and self.with_text and not self.match_any and self.query.sort == "relevance"

    def order(self):
        if self.query.sort == "soonest":
            # As the index search_doc_soonest is ordered (nulls last), so that it can be read in order.
            return "d.next_slot_at ASC NULLS LAST, d.product_id", []
        if self.query.sort == "newest":
            return "d.created DESC, d.product_id DESC", []
        if not self.with_text:
            return "d.popularity DESC, d.product_id", []
        # Services named for what was typed come first, the shorter (more specific) name first:
        # 法律咨询 → 免费法律咨询 before 婚姻家庭法律咨询, whatever their texts repeat.
        in_title, params = self.dialect.title_match(self.expression)
        order = f"CASE WHEN {in_title} THEN 1.0 + CAST(%s AS REAL) / LENGTH(d.title) ELSE 0 END DESC"
        params = [*params, self.typed]
        if self.match_any:
            # A relaxed query: the services that have more of its parts come first, and a part's own
            # word counts twice, a synonym once (离婚 before 婚姻纠纷).
            parts = [
                self.dialect.matches(self.dialect.expression(groups))
                for group in self.groups
                for groups in ([group], [group[:1]])
            ]
            order = " + ".join(sql for sql, _params in parts) + f" DESC, {order}"
            params = [param for _sql, part_params in parts for param in part_params] + params
        rank = self.dialect.text_rank()
        if rank:
            order += f", {rank}"
        return f"{order}, d.popularity DESC, d.product_id", params


class DatabaseBackend(Backend):
    def search(self, query, groups, now, match_any=False):
        search = Search(query, groups, now, match_any)
        counts_key = counts.key(query, groups, match_any)
        kept = counts.get(counts_key)
        # The settings are set for the transaction: one of its own ends them, an outer one must put them back.
        outermost = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            settings = self._settings(cursor, search)
            try:
                if kept is not None:
                    total, facets = kept
                elif query.facets:
                    total, facets = self._count(cursor, search)
                else:
                    conditions, params = search.facet_filters()
                    cursor.execute(*search.statement("COUNT(*)", conditions, params))
                    total, facets = cursor.fetchone()[0], {}
                ids = self._page(cursor, search) if total > query.offset else []
            finally:
                if not outermost:
                    self._restore(cursor, settings)
        if kept is None:
            counts.keep(counts_key, total, facets)
        return RawResult(ids=ids, total=total, facets=facets)

    def _settings(self, cursor, search):
        if not search.dialect.postgresql:
            return {}
        wanted = {**POSTGRESQL_SETTINGS, **(POSTGRESQL_TEXT_SETTINGS if search.with_text else {})}
        for name, value in wanted.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        return wanted

    def _restore(self, cursor, settings):
        # Inside a longer transaction (a test, ATOMIC_REQUESTS) the settings would outlive the search.
        for name in settings:
            cursor.execute(f"SET LOCAL {name} TO DEFAULT")

    def _count(self, cursor, search):
        query, dialect = search.query, search.dialect
        in_category, category_params = dialect.in_list("d.categories", query.categories)
        in_community, community_params = dialect.in_list("d.communities", query.communities)
        select = f"d.sectors, d.streets, d.is_free, d.mode, {in_category}, {in_community}, COUNT(*)"
        sql, params = search.statement(select, tail="GROUP BY 1, 2, 3, 4, 5, 6")
        cursor.execute(sql, [*category_params, *community_params, *params])
        streets_chosen = set(query.streets)
        total = 0
        facets = {name: {} for name in ("category", "street", "community", "free", "mode")}

        def add(facet, value, count):
            facets[facet][value] = facets[facet].get(value, 0) + count

        for sectors, streets, is_free, mode, in_category, in_community, count in cursor.fetchall():
            streets = dialect.values(streets)
            passes = {
                "category": bool(in_category),
                "street": not streets_chosen or bool(streets_chosen.intersection(streets)),
                "community": bool(in_community),
                "free": query.free is None or bool(is_free) == query.free,
                "mode": not search.modes or mode in search.modes,
            }
            others = {name: all(ok for other, ok in passes.items() if other != name) for name in passes}
            if all(passes.values()):
                total += count
            if others["category"]:
                for sector in dialect.values(sectors):
                    add("category", sector, count)
            if others["street"]:
                for street in streets:
                    add("street", street, count)
            if others["free"]:
                add("free", "true" if is_free else "false", count)
            if others["mode"]:
                for choice, covered in MODE_COVERS.items():
                    if mode in covered:
                        add("mode", choice, count)
        if query.streets or query.communities:
            conditions, params = search.facet_filters(leave_out="community")
            cursor.execute(*search.statement("d.communities, COUNT(*)", conditions, params, "GROUP BY 1"))
            for communities, count in cursor.fetchall():
                for community in dialect.values(communities):
                    add("community", community, count)
        return total, facets

    def _page(self, cursor, search):
        query = search.query
        conditions, params = search.facet_filters()
        if search.named_first():
            return self._page_named_first(cursor, search, conditions, params)
        order, order_params = search.order()
        sql, params = search.statement(
            "d.product_id", conditions, [*params, *order_params], f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        cursor.execute(sql, [*params, query.page_size, query.offset])
        return [row[0] for row in cursor.fetchall()]

    def _page_named_first(self, cursor, search, conditions, params):
        """The relevance order of Search.order, in two index-led statements instead of one sort of every match.

        The services whose title has the words come first (shorter title, then popularity), found through
        the title's own index; the rest follow by popularity, read in that index's order until the page is full.
        """
        query = search.query
        end = query.offset + query.page_size
        in_title, title_params = search.dialect.title_match(search.expression)
        # The full vector holds every word of the title: a title that matches needs no other text test,
        # and without one the planner reads the title's small index instead of every match of the full one.
        sql, sql_params = search.statement(
            "d.product_id",
            [in_title, *conditions],
            [*title_params, *params],
            "ORDER BY LENGTH(d.title), d.popularity DESC, d.product_id LIMIT %s",
            without_text=True,
        )
        cursor.execute(sql, [*sql_params, end])
        named = [row[0] for row in cursor.fetchall()]
        ids = named[query.offset :]
        if len(named) < end:
            # Every service named for the words is known, so the rest start after them.
            sql, sql_params = search.statement(
                "d.product_id",
                [*conditions, f"NOT ({in_title})"],
                [*params, *title_params],
                "ORDER BY d.popularity DESC, d.product_id LIMIT %s OFFSET %s",
            )
            cursor.execute(sql, [*sql_params, query.page_size - len(ids), max(query.offset - len(named), 0)])
            ids += [row[0] for row in cursor.fetchall()]
        return ids

    def suggest(self, prefix, limit):
        # A range, not LIKE: the index on key serves it in both databases (on PostgreSQL without
        # reading the table: title and popularity are in the index).
        rows = (
            SuggestKey.objects.filter(key__gte=prefix, key__lt=prefix + "\uffff")
            .order_by("-popularity", "title", "document_id")
            .values_list("document_id", "title")[: limit * 8]
        )
        ids, titles = [], set()
        # Services of the same name (one per district office, say) are suggested once.
        for pk, title in rows:
            if title not in titles:
                titles.add(title)
                ids.append(pk)
            if len(ids) == limit:
                break
        return ids
