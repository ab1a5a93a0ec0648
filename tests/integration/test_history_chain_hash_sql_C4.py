"""The chain hash has one definition, ``hashing.chain_hash`` in Python; the database's copy (the SQL function
the chain's one-statement append uses, register/services/audit/chain.py) is checked against it here."""

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from register.services.audit import chain, hashing

LARGEST_POSITION = 2**63 - 1  # the link's position column is a bigint
hex_digests = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
# Anything PostgreSQL's text holds (no NUL) and UTF-8 encodes (no lone surrogates): the SQL must encode
# as Python does, beyond the hex digests the chain holds today.
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


def sql_chain_hash(position: int, previous: str, row_hash: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {chain.CHAIN_HASH_FUNCTION}(%s, %s, %s)", [position, previous, row_hash])
        return cursor.fetchone()[0]


pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the chain hash in SQL is PostgreSQL's")


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    position=st.integers(min_value=0, max_value=LARGEST_POSITION),
    previous=hex_digests | any_text,
    row_hash=hex_digests | any_text,
)
@example(position=1, previous=hashing.GENESIS, row_hash="0" * 64)
@example(position=LARGEST_POSITION, previous="f" * 64, row_hash="f" * 64)
@example(position=0, previous="", row_hash="")
@example(position=10**18, previous="é:ü", row_hash="😀")
def test_the_database_s_chain_hash_is_python_s_for_any_position_and_digests_C4(db, position, previous, row_hash):
    assert sql_chain_hash(position, previous, row_hash) == hashing.chain_hash(position, previous, row_hash)


def test_the_chain_s_functions_are_installed_by_migrate_and_append_as_python_chains_C4(db):
    """Two links appended by the database function (the first after the genesis on an empty chain) carry
    the chain hashes ``chain_hash`` gives."""
    from register.models import HistoryLink

    head = HistoryLink.objects.order_by("-position").first()
    position, previous = (head.position, head.chain_hash) if head else (0, hashing.GENESIS)
    with transaction.atomic():  # links to no history row: gone again when the test ends
        for row_id, row_hash in (("1", "a" * 64), ("2", "b" * 64)):
            chain._link_one_row_in_one_statement(
                "register_test", "0" * 16, row_id, row_hash, None, None, "{}", using=connection.alias
            )
            position, previous = position + 1, hashing.chain_hash(position + 1, previous, row_hash)
            link = HistoryLink.objects.get(position=position)
            assert (link.row_id, link.row_hash, link.chain_hash) == (row_id, row_hash, previous)
        transaction.set_rollback(True)
