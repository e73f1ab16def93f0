"""The default backend: ServiceDocument searched with the database's own full-text index.

One statement answers a search: a CTE of the documents that match the text
and the filters that are not facets, then, from it, the page of hits, the
total and every facet's counts. Facets are multi-select, so each facet's
counts apply the other facets' filters but not its own (the f_* flags).
"""

from datetime import timedelta

from django.db import connection

from search.backends import Backend
from search.models import ServiceDocument, SuggestKey

DOCUMENTS = ServiceDocument._meta.db_table
MODES = {"onsite": ("onsite", "both"), "online": ("online", "both")}
# FTS5's bm25 weights per column (title, summary, body); PostgreSQL weighs A, B, C with ts_rank.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)
# (facet, JSON list column or None for a plain column)
FACET_COLUMNS = {
    "category": "sectors",
    "street": "streets",
    "community": "communities",
}


class Dialect:
    """The few places where SQLite and PostgreSQL differ."""

    def __init__(self, vendor):
        self.vendor = vendor
        self.postgresql = vendor == "postgresql"

    def text_source(self, expression):
        """(FROM clause, WHERE condition, its params, rank expression, its params); higher rank is better."""
        if self.postgresql:
            return (
                f"{DOCUMENTS} d",
                "d.search_vector @@ CAST(%s AS tsquery)",
                [expression],
                "ts_rank(d.search_vector, CAST(%s AS tsquery))",
                [expression],
            )
        return (
            f"sitesearch_fts JOIN {DOCUMENTS} d ON d.product_id = sitesearch_fts.rowid",
            "sitesearch_fts MATCH %s",
            [expression],
            "-bm25(sitesearch_fts, {}, {}, {})".format(*SQLITE_WEIGHTS),
            [],
        )

    def title_match(self, expression):
        """(SQL true when the title alone matches the whole query, params)."""
        if self.postgresql:
            return "ts_filter(d.search_vector, '{a}') @@ CAST(%s AS tsquery)", [expression]
        return (
            "d.product_id IN (SELECT rowid FROM sitesearch_fts WHERE sitesearch_fts MATCH %s)",
            [f"title_tokens : ({expression})"],
        )

    def expression(self, groups):
        """The expanded query as tsquery or FTS5 query text. Tokens are letters and digits only."""
        if self.postgresql:
            quote, conj, disj = (lambda token: f"'{token}'"), " & ", " | "
        else:
            quote, conj, disj = (lambda token: f'"{token}"'), " AND ", " OR "
        return conj.join(
            "(" + disj.join("(" + conj.join(quote(token) for token in tokens) + ")" for tokens in alternatives) + ")"
            for alternatives in groups
        )

    def any_of(self, column, values):
        """SQL true when the JSON list ``column`` holds any of ``values``."""
        marks = ", ".join(["%s"] * len(values))
        if self.postgresql:
            return f"{column} ?| ARRAY[{marks}]::text[]", list(values)
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value IN ({marks}))", list(values)

    def elements(self, column):
        """FROM item yielding one ``value`` per element of the JSON list ``column``."""
        if self.postgresql:
            return f"jsonb_array_elements_text({column}) AS e(value)"
        return f"json_each({column}) AS e"

    @property
    def materialized(self):
        return "MATERIALIZED"


class DatabaseBackend(Backend):
    def search(self, query, groups, now):
        dialect = Dialect(connection.vendor)
        if groups:
            expression = dialect.expression(groups)
            source, match, where_params, rank, rank_params = dialect.text_source(expression)
            where = [match]
            # Services named for what was typed come first, the shorter (more specific) name first:
            # 法律咨询 → 免费法律咨询 before 婚姻家庭法律咨询, whatever their texts repeat.
            in_title, title_params = dialect.title_match(expression)
            typed = sum(len(token) for alternatives in groups for token in alternatives[0])
            rank = f"{rank} AS rank, CASE WHEN {in_title} THEN 1.0 + CAST(%s AS REAL) / LENGTH(d.title) ELSE 0 END"
            rank_params = rank_params + title_params + [typed]
        else:
            source, where, where_params, rank, rank_params = f"{DOCUMENTS} d", [], [], "0 AS rank, 0", []
        if query.providers:
            condition, values = dialect.any_of("d.providers", [str(value) for value in query.providers])
            where.append(condition)
            where_params += values
        if query.available_within_days is not None:
            where.append("d.next_slot_at > %s AND d.next_slot_at <= %s")
            where_params += [now, now + timedelta(days=query.available_within_days)]

        flags, flag_params = [], []
        for name, column, values in (
            ("category", "d.categories", query.categories),
            ("street", "d.streets", query.streets),
            ("community", "d.communities", query.communities),
        ):
            if values:
                condition, condition_params = dialect.any_of(column, values)
            else:
                condition, condition_params = "1 = 1", []
            flags.append(f"CASE WHEN {condition} THEN 1 ELSE 0 END AS f_{name}")
            flag_params += condition_params
        if query.free is None:
            flags.append("1 AS f_free")
        else:
            flags.append("CASE WHEN d.is_free = %s THEN 1 ELSE 0 END AS f_free")
            flag_params.append(query.free)
        modes = sorted({mode for value in query.modes for mode in MODES.get(value, ())})
        if query.modes:
            marks = ", ".join(["%s"] * len(modes)) or "NULL"
            flags.append(f"CASE WHEN d.mode IN ({marks}) THEN 1 ELSE 0 END AS f_mode")
            flag_params += modes
        else:
            flags.append("1 AS f_mode")

        matching = (
            f"SELECT d.product_id AS id, {rank} AS title_score, d.sectors, d.streets, d.communities, d.is_free, d.mode,"
            f" d.next_slot_at, d.created, d.popularity, {', '.join(flags)}"
            f" FROM {source}" + (f" WHERE {' AND '.join(where)}" if where else "")
        )
        cte_params = rank_params + flag_params + where_params

        names = ("category", "street", "community", "free", "mode")

        def others(leave_out=None):
            return " AND ".join(f"f_{name} = 1" for name in names if name != leave_out)

        order = {
            "relevance": "title_score DESC, rank DESC, popularity DESC, id",
            "soonest": "CASE WHEN next_slot_at IS NULL THEN 1 ELSE 0 END, next_slot_at, id",
            "newest": "created DESC, id DESC",
        }[query.sort if (query.sort != "relevance" or groups) else "relevance"]
        parts = [
            "SELECT 'hit' AS facet, CAST(id AS TEXT) AS value, row_number() OVER (ORDER BY position) AS n FROM"
            f" (SELECT id, row_number() OVER (ORDER BY {order}) AS position FROM m WHERE {others()}"
            f" ORDER BY {order} LIMIT %s OFFSET %s) AS page",
            f"SELECT 'total', '', COUNT(*) FROM m WHERE {others()}",
        ]
        part_params = [query.page_size, query.offset]
        if query.facets:
            for name, column in FACET_COLUMNS.items():
                parts.append(
                    f"SELECT '{name}', e.value, COUNT(*) FROM m, {dialect.elements('m.' + column)}"
                    f" WHERE {others(name)} GROUP BY e.value"
                )
            parts.append(
                "SELECT 'free', CASE WHEN is_free THEN 'true' ELSE 'false' END, COUNT(*) FROM m"
                f" WHERE {others('free')} GROUP BY is_free"
            )
            parts.append(f"SELECT 'mode', mode, COUNT(*) FROM m WHERE {others('mode')} GROUP BY mode")
        sql = f"WITH m AS {dialect.materialized} ({matching}) " + " UNION ALL ".join(
            f"SELECT * FROM ({part}) AS p{index}" for index, part in enumerate(parts)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, cte_params + part_params)
            rows = cursor.fetchall()

        hits, total, facets = [], 0, {}
        for facet, value, count in rows:
            if facet == "hit":
                hits.append((count, int(value)))
            elif facet == "total":
                total = count
            elif facet == "mode":
                counts = facets.setdefault("mode", {})
                for choice, covered in MODES.items():
                    if value in covered:
                        counts[choice] = counts.get(choice, 0) + count
            else:
                facets.setdefault(facet, {})[value] = count
        if query.facets:
            for name in names:
                facets.setdefault(name, {})
        return _raw([pk for _, pk in sorted(hits)], total, facets)

    def suggest(self, prefix, limit):
        # A range, not LIKE: it uses the plain index on key in both databases.
        keys = (
            SuggestKey.objects.filter(key__gte=prefix, key__lt=prefix + "\uffff")
            .order_by("-document__popularity", "document__title", "document_id")
            .values_list("document_id", flat=True)
        )
        ids = []
        for pk in keys[: limit * 4]:
            if pk not in ids:
                ids.append(pk)
            if len(ids) == limit:
                break
        return ids


def _raw(ids, total, facets):
    from search.query import RawResult

    return RawResult(ids=ids, total=total, facets=facets)
