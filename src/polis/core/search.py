"""Search at scale: substrings from trigram indexes, Italian full-text search, literal keys.

Each is served by an index on PostgreSQL and stays correct on SQLite (the embedded default),
where their migrations (`core.db.VendorSQL`, PostgreSQL only) do nothing and the same lookups
scan. Django's `icontains` is `UPPER(col::text) LIKE UPPER('%word%')` on PostgreSQL: a GIN index
with `gin_trgm_ops` on the same expression, `UPPER(col)`, answers it (and `istartswith`,
`iexact`) without reading the table.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import AutoField, BigAutoField, ForeignObject, Lookup, Q

# The text search configuration of the descriptions people write: Italian stemming and stop
# words, so «infiltrazioni» finds «infiltrazione d'acqua».
TEXT_SEARCH_CONFIG = "italian"


def text_search(queryset, field: str, text: str):
    """Rows whose `field` matches the words of `text`: PostgreSQL full-text search with the
    Italian configuration (served by a GIN index on the expression SearchVector writes,
    `to_tsvector('italian'::regconfig, COALESCE(col, ''))`), on SQLite every word as a
    substring."""
    if connection.vendor == "postgresql":
        vector = SearchVector(field, config=TEXT_SEARCH_CONFIG)
        query = SearchQuery(text, config=TEXT_SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(_text=vector).filter(_text=query)
    for word in text.split()[:8]:
        queryset = queryset.filter(Q(**{f"{field}__icontains": word}))
    return queryset


# Up to this many matching keys are passed as literals: the planner then reads the outer table's
# index by key (and can OR it with other indexes), where a semi-join on a subquery was misjudged
# at 1M rows (a parallel scan of every client for one firm's search).
LITERAL_KEYS = 2000


class AnyKey(Lookup):
    """`field = ANY(%s)` with the keys as one array parameter (PostgreSQL only). The planner
    reads it as it reads `IN (…)`, but Django and psycopg handle one parameter, not 2,000 (those
    cost ~20 ms of CPU per search page)."""

    lookup_name = "any_key"
    prepare_rhs = False  # the list of keys is the one parameter

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


# matching_keys filters foreign keys (client_id, practice_id) and primary keys (claims).
for key_field in (ForeignObject, AutoField, BigAutoField):
    key_field.register_lookup(AnyKey)


def matching_keys(field: str, queryset) -> Q:
    """`field` among the keys of `queryset`: as literal keys when there are few, else as a
    subquery. Runs the (small, indexed) query once, when the filter is built."""
    keys = list(queryset.values_list("pk", flat=True)[: LITERAL_KEYS + 1])
    if len(keys) > LITERAL_KEYS:
        return Q(**{f"{field}__in": queryset.values("pk")})
    if connection.vendor == "postgresql" and keys:
        return Q(**{f"{field}__any_key": keys})
    return Q(**{f"{field}__in": keys})
