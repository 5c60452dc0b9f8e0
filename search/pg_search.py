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

from .snippets import SNIPPET_SOURCE_CHARS

FACET_SIZE = 12
# At most this many matches are read, counted and given to facets and tags; beyond it the page says
# « plus de 500 résultats » and labels the facets as over those first matches. It is also the deepest
# result the pagination reaches (``service.MAX_PAGE`` × PER_PAGE = 25 pages), so no reachable hit is
# lost to it. Reading every match is what made a word present everywhere linear in the corpus; each
# match read costs ~6 µs (rank, document lookup, facets, tags), so at 1,000 a word present everywhere
# took 8 ms of statement against 5 at 500 (docs/performance.md, session 5).
MATCH_CAP = 500
# Documents whose title matches, read besides those matches so that they are ranked even beyond the
# cap (title words weigh most in ts_rank); bounded too, as a common word is in many titles.
TITLE_CANDIDATES = 200


def available():
    """True when the index table is PostgreSQL's and carries ``search_vector`` (migration 0003)."""
    if connection.vendor != "postgresql":
        return False
    from wagtail.search.backends import get_search_backend

    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database.postgres")


def _tsquery(parsed, config, *, exclusions=True):
    """(SQL, params) of a tsquery for ``parsed``: words ANDed, phrases, exclusions (left out with
    ``exclusions=False``: ts_rank gives every row the same 1e-20 when the query holds a NOT)."""
    parts, params = [], []
    if parsed.words:
        parts.append("plainto_tsquery(%s::regconfig, %s)")
        params += [config, " ".join(parsed.words)]
    for phrase in parsed.phrases:
        parts.append("phraseto_tsquery(%s::regconfig, %s)")
        params += [config, " ".join(phrase)]
    for word in parsed.excluded if exclusions else ():
        parts.append("(!! plainto_tsquery(%s::regconfig, %s))")
        params += [config, word]
    return "(" + " && ".join(parts) + ")", params


def _compiled(queryset, *fields):
    sql, params = queryset.order_by().values(*fields).query.sql_with_params()
    return sql, list(params)


def _sources(page_qs, doc_qs):
    """(SQL, params) of the visible pages and documents (or None), compiled once per search: the
    statement uses them in two or three places."""
    from .service import content_date

    pages = documents = None
    if page_qs is not None:
        page_qs = page_qs.annotate(content_date=content_date())
        pages = _compiled(page_qs, "id", "content_type_id", "path", "content_date")
    if doc_qs is not None:
        documents = _compiled(doc_qs, "id", "collection_id", "kind", "created_at")
    return pages, documents


def _branches(sources, *, page_cts, doc_ct, prefix_length, condition, tsparams, rank, dates=True):
    """SELECT branches (pages, documents) of visible index entries meeting ``condition``, and params.
    ``sources`` come from ``_sources``; ``rank`` = (SQL, params) of the rank column, computed on the
    row already read (no second join). ``dates=False``: the rows' dates are NULL, and PostgreSQL
    then drops the joins that pages' dates take (meetings, news) instead of planning them."""
    rank_sql, rank_params = rank
    pages, documents = sources
    branches, params = [], []
    if pages is not None:
        sql, sub = pages
        page_date = "p.content_date" if dates else "NULL::timestamptz"
        branches.append(
            f"""SELECT 'page'::text AS kind, p.id, e.id AS eid,
                   {page_date} AS dt, substr(p.path, 1, %s) AS grp, NULL::int AS coll,
                   p.content_type_id AS ct, NULL::text AS fkind, {rank_sql} AS rk
              FROM wagtailsearch_indexentry e JOIN ({sql}) p
                ON p.id = e.object_id::integer AND p.content_type_id = e.content_type_id
             WHERE e.content_type_id = ANY(%s) AND {condition}"""  # noqa: S608 — fixed fragments only; user text is a parameter
        )
        params += [prefix_length, *rank_params, *sub, list(page_cts), *tsparams]
    if documents is not None:
        sql, sub = documents
        # Each match looks its document up by primary key (LATERAL … LIMIT 1 keeps the planner from
        # turning this into a hash join, which reads every visible document first: ~1.2 ms at 5,000
        # documents, ~30 ms at 100,000). Matches read are bounded by the cap, so this is too.
        branches.append(
            f"""SELECT 'document'::text AS kind, d.id, e.id AS eid,
                   d.created_at AS dt, NULL::text AS grp, d.collection_id AS coll, NULL::int AS ct,
                   d.kind::text AS fkind, {rank_sql} AS rk
              FROM wagtailsearch_indexentry e
              JOIN LATERAL (SELECT * FROM ({sql}) v WHERE v.id = e.object_id::integer LIMIT 1) d ON true
             WHERE e.content_type_id = %s AND {condition}"""  # noqa: S608 — fixed fragments only; user text is a parameter
        )
        params += [*rank_params, *sub, doc_ct, *tsparams]
    return branches, params


def search(parsed, page_qs, doc_qs, *, page_cts, doc_ct, prefix_length, by_date, limit, offset=0, facets=True):
    """One statement → dict(hits=[(sort key, kind, id)] best first, totals={kind: n}, capped=bool,
    facets={name: {value: n}}, tags=[(name, n)], texts={(kind, id): start of the indexed text}).

    ``hits`` are the ``limit`` results after the first ``offset``; ``texts`` holds, for those only,
    the first SNIPPET_SOURCE_CHARS of their indexed plain text, for the snippets (no second query).

    ``page_qs`` / ``doc_qs`` (or None to leave that kind out) already carry the reader's permissions
    and the page's filters, so every count is over rows the reader may see. At most MATCH_CAP matches
    are read (``capped`` says when there were more): totals, facets and tags are over those, and
    ``facets=False`` leaves facets and tags out (totals stay)."""
    from modelsearch.backends.database.postgres.weights import get_sql_weights

    config = getattr(_backend(), "config", None) or "french_unaccent"
    tsquery, tsparams = _tsquery(parsed, config)
    weights = get_sql_weights()
    ranked_query, ranked_params = _tsquery(parsed, config, exclusions=False)
    # Relevance: the weighted rank of title and text, plus a bonus when the title holds every word of
    # the query, larger for a shorter title (closer to the query). The rank saturates near 1 for words
    # that fill a document, and then the document titled after the query ranked anywhere among
    # hundreds; the bonus (≤ 0.25) orders those, as Wagtail's own ranking favours titles.
    # Both use the query through ``rq`` (below), computed once: written inline, plainto_tsquery() is a
    # stable function that PostgreSQL would call again, French dictionaries and all, for every row.
    title_bonus = (
        "CASE WHEN e.title @@ (SELECT q FROM rq) THEN 8.0::float8 / (char_length(e.title_text) + 32) ELSE 0 END"
    )
    rank = (
        ("0::float8", [])
        if by_date
        else (f"(ts_rank(%s::float4[], e.search_vector, (SELECT q FROM rq)) + {title_bonus})::float8", [weights])  # noqa: S608
    )
    kinds = {"page_cts": page_cts, "doc_ct": doc_ct, "prefix_length": prefix_length, "rank": rank}
    sources = _sources(page_qs, doc_qs)
    branches, params = _branches(sources, condition=f"e.search_vector @@ {tsquery}", tsparams=tsparams, **kinds)
    if not branches:
        return {"hits": [], "totals": {}, "capped": False, "facets": {}, "tags": [], "texts": {}}
    # No ORDER BY: rows stream (GIN bitmap or sequential scan, as the planner chooses) and reading
    # stops at the cap.
    # The cap+1-th row (rn) only tells that there are more: counts use ``mc``, the first MATCH_CAP.
    head = f"""WITH rq AS MATERIALIZED (SELECT {ranked_query} AS q),
                m (kind, id, eid, dt, grp, coll, ct, fkind, rk, rn) AS MATERIALIZED (
                   SELECT u.*, row_number() OVER () FROM ({" UNION ALL ".join(branches)}) u LIMIT %s),
                mc AS (SELECT * FROM m WHERE rn <= %s)"""  # noqa: S608
    params = [*ranked_params, *params, MATCH_CAP + 1, MATCH_CAP]
    if by_date:
        # Newest first: every visible match is read and sorted (not bounded; see docs/performance.md).
        dated, dated_params = _branches(sources, condition=f"e.search_vector @@ {tsquery}", tsparams=tsparams, **kinds)
        key = "EXTRACT(EPOCH FROM COALESCE(dt, now()))::float8"
        hits = f"""(SELECT 'hit', h.kind, h.id::text, 0::bigint, h.key, left(ie.body_text, %s)
                      FROM (SELECT kind, id, eid, {key} AS key FROM ({" UNION ALL ".join(dated)}) u
                             ORDER BY 4 DESC, id DESC, kind LIMIT %s OFFSET %s) h
                      JOIN wagtailsearch_indexentry ie ON ie.id = h.eid)"""  # noqa: S608
        params += [SNIPPET_SOURCE_CHARS, *dated_params, limit, offset]
    else:
        # Ranked: the matches read (up to the cap) plus up to TITLE_CANDIDATES whose title matches, found
        # through the title's own GIN index, so a document named after the query ranks first even
        # when it lies beyond the cap.
        # Only ranks and ids of these rows are used, not their dates.
        titled, titled_params = _branches(
            sources, dates=False,
            condition=f"e.title @@ {tsquery} AND e.search_vector @@ {tsquery}", tsparams=tsparams * 2, **kinds,
        )  # fmt: skip
        # Below the cap, ``m`` holds every visible match, title matches included: the title branch
        # only runs (one-time filter) when the cap was reached.
        hits = f"""(SELECT 'hit', h.kind, h.id::text, 0::bigint, h.rk, left(ie.body_text, %s)
                      FROM (SELECT c.kind, c.id, c.rk, c.eid
                              FROM (SELECT kind, id, rk, eid FROM m
                                    UNION SELECT kind, id, rk, eid FROM (
                                        SELECT * FROM ({" UNION ALL ".join(titled)}) t
                                         WHERE EXISTS (SELECT FROM m WHERE rn > %s) LIMIT %s) t) c
                             ORDER BY c.rk DESC, c.id DESC, c.kind LIMIT %s OFFSET %s) h
                      JOIN wagtailsearch_indexentry ie ON ie.id = h.eid)"""  # noqa: S608 — fixed fragments only
        params += [SNIPPET_SOURCE_CHARS, *titled_params, MATCH_CAP, TITLE_CANDIDATES, limit, offset]
    params += [MATCH_CAP]
    statement = f"""
        {head}
        {hits}
        UNION ALL SELECT 'kind', kind, NULL, count(*), NULL, NULL FROM mc GROUP BY kind
        UNION ALL SELECT 'more', NULL, NULL, count(*), NULL, NULL FROM m WHERE rn > %s"""  # noqa: S608 — fixed fragments only
    if facets:
        statement += """
        UNION ALL SELECT 'grp', grp, NULL, count(*), NULL, NULL FROM mc WHERE grp IS NOT NULL GROUP BY grp
        UNION ALL SELECT 'coll', coll::text, NULL, count(*), NULL, NULL FROM mc WHERE coll IS NOT NULL GROUP BY coll
        UNION ALL SELECT 'ct', ct::text, NULL, count(*), NULL, NULL FROM mc WHERE ct IS NOT NULL GROUP BY ct
        UNION ALL SELECT 'fkind', fkind, NULL, count(*), NULL, NULL FROM mc WHERE fkind IS NOT NULL GROUP BY fkind
        UNION ALL SELECT 'year', EXTRACT(YEAR FROM dt AT TIME ZONE %s)::int::text, NULL, count(*), NULL, NULL
                    FROM mc WHERE dt IS NOT NULL GROUP BY 2
        UNION ALL (SELECT 'tag', t.name, NULL, c.n, NULL, NULL
                     FROM (SELECT ti.tag_id, count(*) AS n
                             FROM taggit_taggeditem ti JOIN mc ON mc.id = ti.object_id
                            WHERE ti.content_type_id = %s AND mc.coll IS NOT NULL  -- documents only
                            GROUP BY ti.tag_id) c
                     JOIN taggit_tag t ON t.id = c.tag_id ORDER BY c.n DESC, t.name LIMIT %s)"""
        params += [settings.TIME_ZONE, doc_ct, FACET_SIZE]
    result = {
        "hits": [],
        "totals": {},
        "capped": False,
        "facets": {"grp": {}, "coll": {}, "ct": {}, "fkind": {}, "year": {}},
        "tags": [],
        "texts": {},
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    for row_type, value, ident, n, key, text in rows:
        if row_type == "hit":
            result["hits"].append((key, value, int(ident)))
            result["texts"][(value, int(ident))] = text or ""
        elif row_type == "more":
            result["capped"] = n > 0
        elif row_type == "kind":
            result["totals"][value] = n
        elif row_type == "tag":
            result["tags"].append((value, n))
        else:
            result["facets"][row_type][value] = n
    # whatever order the plan chose; the same total order as the SQL (a page and a document may share an id)
    result["hits"].sort(key=lambda hit: (-hit[0], -hit[2], hit[1]))
    return result


def _backend():
    from wagtail.search.backends import get_search_backend

    return get_search_backend()


# Suggestions read at most this many title matches per keystroke, then rank them: a short prefix
# (« rappo ») matches most of the corpus, and ranking every match took ~0.5 s at 100,000 documents.
SUGGESTION_CANDIDATES = 200


def _prefix_tsquery(words):
    """tsquery text: every word, the last one as a prefix (as Wagtail's autocomplete). Words are runs
    of letters and digits (``parsing._words``); quoting them as lexemes keeps any other character inert."""
    lexemes = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'" for word in words]
    lexemes[-1] += ":*"
    return " & ".join(lexemes)


def suggest(words, page_qs, doc_qs, *, page_cts, doc_ct, limit):
    """[(kind, id, title)] of visible pages and documents whose title starts like ``words``, pages
    first, each kind best-ranked first among its first SUGGESTION_CANDIDATES matches.

    Same permission rule as ``search``: each branch joins the reader's compiled querysets."""
    config = getattr(_backend(), "autocomplete_config", None) or "simple"
    condition = "e.autocomplete @@ to_tsquery(%s::regconfig, %s)"
    tsparams = [config, _prefix_tsquery(words)]
    rank = ("ts_rank(e.autocomplete, to_tsquery(%s::regconfig, %s))::float8", tsparams)
    selects, params = [], []
    for branch_sources in (_sources(page_qs, None), _sources(None, doc_qs)):
        branches, branch_params = _branches(
            branch_sources, page_cts=page_cts, doc_ct=doc_ct, prefix_length=1, condition=condition,
            tsparams=tsparams, rank=rank, dates=False,
        )  # fmt: skip
        if branches:
            # LIMIT inside: the candidates stream from the index and reading stops there.
            selects.append(
                f"""(SELECT c.kind, c.id, ie.title_text, c.rk
                       FROM (SELECT * FROM ({branches[0]}) u LIMIT %s) c
                       JOIN wagtailsearch_indexentry ie ON ie.id = c.eid
                      ORDER BY c.rk DESC, length(ie.title_text), c.id LIMIT %s)"""  # noqa: S608 — fixed fragments only
            )
            params += [*branch_params, SUGGESTION_CANDIDATES, limit]
    if not selects:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[0] != "page", -row[3], len(row[2] or ""), row[1]))
    return [(kind, pk, title) for kind, pk, title, _rank in rows]
