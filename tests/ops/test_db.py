"""Prepared statements (``ops.db``): the access rules, read on every page, are parsed and planned
once per PostgreSQL connection, still counted as a query, and the same rules come out."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ailb_intranet.settings.base import database_settings
from workgroups import access
from workgroups.membership import Role, set_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _prepared_access_statement_runs():
    """[runs] of each prepared access statement of this connection (plans made or reused)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE NOT from_sql AND statement LIKE %s ORDER BY name",
            ["%wagtailcore_pageviewrestriction_groups%"],
        )
        return [row[0] for row in cursor.fetchall()]


def _deallocate_behind_psycopgs_back():
    """Drop the prepared access statement on the server only (psycopg would notice DEALLOCATE ALL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM pg_prepared_statements WHERE NOT from_sql AND statement LIKE %s",
            ["%wagtailcore_pageviewrestriction_groups%"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DEALLOCATE {connection.ops.quote_name(name)}")


def _rules(user):
    rules = access._load(user)
    return rules.group_ids, rules.denied, rules.collections, rules.may_access_admin


def test_access_rules_are_prepared_once_per_connection_and_still_counted(site_tree, make_group, make_user):
    private = make_group("eau-privee", visibility="prive")
    member, outsider = make_user("membre"), make_user("dehors")
    set_role(private, member, Role.MEMBER)

    with CaptureQueriesContext(connection) as captured:
        first = _rules(member)
    assert len(captured) == 1 and "wagtailcore_pageviewrestriction" in captured[0]["sql"]
    [runs] = _prepared_access_statement_runs()

    # Later pages and other users run the same prepared statement, and the rules follow the user.
    for _ in range(3):
        assert _rules(member) == first
    outsider_rules = _rules(outsider)
    assert _prepared_access_statement_runs() == [runs + 4]
    assert private.collection.path in outsider_rules[1][1] and private.collection.path not in first[1][1]
    assert outsider_rules[0] == frozenset() and first[0] == frozenset(member.groups.values_list("pk", flat=True))


def test_without_prepared_statements_the_rules_are_the_same(site_tree, make_group, make_user):
    """``DATABASE_PREPARED_STATEMENTS=false`` (a pooler that cannot keep them): the statement runs
    unprepared, with the same rules."""
    private = make_group("eau-privee", visibility="prive")
    member = make_user("membre")
    set_role(private, member, Role.MEMBER)
    prepared = _rules(member)
    runs = _prepared_access_statement_runs()
    connection.connection.prepare_threshold = None
    try:
        assert _rules(member) == prepared
        assert private.collection.path in _rules(AnonymousUser())[1][1]
    finally:
        connection.connection.prepare_threshold = 5
    assert _prepared_access_statement_runs() == runs


def test_the_setting_switches_prepared_statements(monkeypatch):
    url = "postgres://ailb:secret@db:5432/ailb"
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    assert database_settings(url)["OPTIONS"]["prepare_threshold"] == 5
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert "prepare_threshold" not in database_settings(url).get("OPTIONS", {})
    assert "prepare_threshold" not in database_settings("sqlite:////tmp/x.sqlite3").get("OPTIONS", {})


@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_gone_from_the_server_is_prepared_again(site_tree, make_group, make_user):
    """Outside a transaction, a statement PostgreSQL no longer has (deallocated behind psycopg's back,
    as a pooler would leave it; a plan a migration invalidated takes the same way) costs a new connection, not an
    error on every page of this one."""
    private = make_group("eau-privee", visibility="prive")
    member = make_user("membre")
    set_role(private, member, Role.MEMBER)
    expected = _rules(member)
    old_connection = connection.connection
    _deallocate_behind_psycopgs_back()
    assert _prepared_access_statement_runs() == []

    assert _rules(member) == expected
    assert connection.connection is not old_connection
    assert len(_prepared_access_statement_runs()) == 1


def test_inside_a_transaction_a_vanished_statement_is_an_error(site_tree, make_user):
    """Inside a transaction nothing is retried (the transaction is already aborted); its rollback
    clears psycopg's statements, and the next page prepares again."""
    from django.db import DatabaseError, transaction

    member = make_user("membre")
    _rules(member)
    _deallocate_behind_psycopgs_back()
    with pytest.raises(DatabaseError), transaction.atomic():
        _rules(member)
    assert _rules(member)[0] == frozenset()
