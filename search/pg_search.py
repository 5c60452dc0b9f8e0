"""The search page's matches in one PostgreSQL query (fast path).

Wagtail's ``queryset.search()`` runs one full-text query per model, then the
facets and tags need the matching set again (three full-text scans, each
ranking with ``ts_rank`` on ``body`` read from TOAST, each joining the index on
``object_id = id::varchar``). Here the matching set is computed once, in a
MATERIALIZED CTE over ``search_vector`` (stored ``title || body`` with its GIN
index, migration 0003), and the page of hits, totals, facets and tags are all
derived from it in the same statement.

Permissions stay inside the query: each branch joins the *compiled* Django
queryset of what the reader may see (``workgroups.access.visible_pages`` /
``visible_documents`` plus the page's filters), so counts, facets and tags only
ever see visible rows. User text only ever travels as a bound parameter.
"""

from django.conf import settings
from django.db import connection

FACET_SIZE = 12
# Matches ranked by ts_rank at most (title matches first, then the most recent): see docs/performance.md.
RANKED_CANDIDATES = 500


def available():
    """True when the index table is PostgreSQL's and carries ``search_vector`` (migration 0003)."""
    if connection.vendor != "postgresql":
        return False
    from wagtail.search.backends import get_search_backend

    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database.postgres")


def _tsquery(parsed, config):
    """(SQL, params) of a tsquery for ``parsed``: words ANDed, phrases, exclusions."""
    parts, params = [], []
    if parsed.words:
        parts.append("plainto_tsquery(%s::regconfig, %s)")
        params += [config, " ".join(parsed.words)]
    for phrase in parsed.phrases:
        parts.append("phraseto_tsquery(%s::regconfig, %s)")
        params += [config, " ".join(phrase)]
    for word in parsed.excluded:
        parts.append("(!! plainto_tsquery(%s::regconfig, %s))")
        params += [config, word]
    return "(" + " && ".join(parts) + ")", params


def _compiled(queryset, *fields):
    sql, params = queryset.order_by().values(*fields).query.sql_with_params()
    return sql, list(params)


def search(parsed, page_qs, doc_qs, *, page_cts, doc_ct, prefix_length, by_date, limit):
    """One statement → dict(hits=[(sort key, kind, id)] best first, totals={kind: n},
    facets={name: {value: n}}, tags=[(name, n)]).

    ``page_qs`` / ``doc_qs`` (or None to leave that kind out) already carry the reader's permissions
    and the page's filters."""
    from modelsearch.backends.database.postgres.weights import get_sql_weights

    config = getattr(_backend(), "config", None) or "french_unaccent"
    tsquery, tsparams = _tsquery(parsed, config)
    weights = get_sql_weights()
    branches, params = [], []
    if page_qs is not None:
        from .service import content_date

        page_qs = page_qs.annotate(content_date=content_date())
        sql, sub = _compiled(page_qs, "id", "content_type_id", "path", "content_date")
        branches.append(
            f"""SELECT 'page'::text AS kind, p.id, e.id AS eid,
                   p.content_date AS dt, substr(p.path, 1, %s) AS grp, NULL::int AS coll,
                   p.content_type_id AS ct, NULL::text AS fkind
              FROM wagtailsearch_indexentry e JOIN ({sql}) p
                ON p.id = e.object_id::integer AND p.content_type_id = e.content_type_id
             WHERE e.content_type_id = ANY(%s) AND e.search_vector @@ {tsquery}"""  # noqa: S608 — fixed fragments only; user text is a parameter
        )
        params += [prefix_length, *sub, list(page_cts), *tsparams]
    if doc_qs is not None:
        sql, sub = _compiled(doc_qs, "id", "collection_id", "kind", "created_at")
        branches.append(
            f"""SELECT 'document'::text, d.id, e.id,
                   d.created_at, NULL::text, d.collection_id, NULL::int, d.kind::text
              FROM wagtailsearch_indexentry e JOIN ({sql}) d ON d.id = e.object_id::integer
             WHERE e.content_type_id = %s AND e.search_vector @@ {tsquery}"""  # noqa: S608 — fixed fragments only; user text is a parameter
        )
        params += [*sub, doc_ct, *tsparams]
    if not branches:
        return {"hits": [], "totals": {}, "facets": {}, "tags": []}
    head = f"WITH m (kind, id, eid, dt, grp, coll, ct, fkind) AS MATERIALIZED ({' UNION ALL '.join(branches)})"
    if by_date:
        key = "EXTRACT(EPOCH FROM COALESCE(dt, now()))::float8"
        hits = f"(SELECT 'hit', kind, id::text, 0::bigint, {key} FROM m ORDER BY {key} DESC, id DESC LIMIT %s)"  # noqa: S608
        params += [limit]
    else:
        # Only the most recent RANKED_CANDIDATES matches are ranked, so the ranking cost stays bounded
        # whatever the number of matches; counts and facets below still see every match.
        hits = f"""(SELECT 'hit', c.kind, c.id::text, 0::bigint,
                           ts_rank(%s::float4[], e.search_vector, {tsquery})::float8 AS key
                      FROM (SELECT kind, id, eid FROM m ORDER BY dt DESC NULLS LAST, id DESC LIMIT %s) c
                      JOIN wagtailsearch_indexentry e ON e.id = c.eid
                     ORDER BY key DESC, c.id DESC LIMIT %s)"""  # noqa: S608 — fixed fragments only
        params += [weights, *tsparams, max(RANKED_CANDIDATES, limit), limit]
    statement = f"""
        {head}
        {hits}
        UNION ALL SELECT 'kind', kind, NULL, count(*), NULL FROM m GROUP BY kind
        UNION ALL SELECT 'grp', grp, NULL, count(*), NULL FROM m WHERE grp IS NOT NULL GROUP BY grp
        UNION ALL SELECT 'coll', coll::text, NULL, count(*), NULL FROM m WHERE coll IS NOT NULL GROUP BY coll
        UNION ALL SELECT 'ct', ct::text, NULL, count(*), NULL FROM m WHERE ct IS NOT NULL GROUP BY ct
        UNION ALL SELECT 'fkind', fkind, NULL, count(*), NULL FROM m WHERE fkind IS NOT NULL GROUP BY fkind
        UNION ALL SELECT 'year', EXTRACT(YEAR FROM dt AT TIME ZONE %s)::int::text, NULL, count(*), NULL
                    FROM m WHERE dt IS NOT NULL GROUP BY 2
        UNION ALL (SELECT 'tag', t.name, NULL, c.n, NULL
                     FROM (SELECT ti.tag_id, count(*) AS n
                             FROM taggit_taggeditem ti JOIN m ON m.id = ti.object_id
                            WHERE ti.content_type_id = %s AND m.coll IS NOT NULL  -- documents only
                            GROUP BY ti.tag_id) c
                     JOIN taggit_tag t ON t.id = c.tag_id ORDER BY c.n DESC, t.name LIMIT %s)
    """  # noqa: S608 — fixed fragments and Django-compiled SQL only; user text is a parameter
    params += [settings.TIME_ZONE, doc_ct, FACET_SIZE]
    result = {
        "hits": [],
        "totals": {},
        "facets": {"grp": {}, "coll": {}, "ct": {}, "fkind": {}, "year": {}},
        "tags": [],
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    for row_type, value, ident, n, key in rows:
        if row_type == "hit":
            result["hits"].append((key, value, int(ident)))
        elif row_type == "kind":
            result["totals"][value] = n
        elif row_type == "tag":
            result["tags"].append((value, n))
        else:
            result["facets"][row_type][value] = n
    result["hits"].sort(key=lambda hit: (hit[0], hit[2]), reverse=True)  # whatever order the plan chose
    return result


def _backend():
    from wagtail.search.backends import get_search_backend

    return get_search_backend()
