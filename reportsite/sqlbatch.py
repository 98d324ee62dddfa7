"""A short transaction whose statements go to the database in as few round trips as it allows.

A write that holds a lock (an append to a chain, a counter) is bounded by the round trips it
makes while holding it: every one is a send, a wait and a reply, and the lock's other
waiters wait through all of them. `Transaction` takes the statements in groups: each group
is sent at once, and only a group's results are waited for before the caller computes the
next one.

- **PostgreSQL**, outside any `atomic` block, with psycopg's client-side binding (Django's
  default): a group is one query of several statements (the simple query protocol), and the
  transaction's BEGIN travels with the first group and its COMMIT with the last. A
  transaction of two groups is two round trips, with the lock held for one.
- **Anywhere else** (SQLite, or inside a caller's `atomic` block, whose transaction it
  joins): the statements run one after the other in `transaction.atomic(savepoint=False)`,
  as they would without this module.

Whatever fails on the way, the transaction is rolled back, or its connection closed if even
that fails: a transaction left open would keep its locks.

    with Transaction() as writing:
        head, *found = writing.run([Statement(lock_sql, rows=True), *reads])
        ...
        writing.finish([insert, update])
"""

import dataclasses
import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db import transaction as django_transaction

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Statement:
    """One SQL statement with `%s` placeholders; `rows`: its rows are wanted back."""

    sql: str
    params: tuple = ()
    rows: bool = False


def combines_statements(connection):
    """Whether `connection` can run a group of statements, its own BEGIN and COMMIT included,
    as one query: PostgreSQL with client-side binding, in autocommit (no atomic block)."""
    return (
        connection.vendor == "postgresql"
        and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
        and not connection.in_atomic_block
        and connection.get_autocommit()
    )


class Transaction:
    """See the module's docstring. `run` sends a group and returns the rows of its
    statements that asked for them, in order; `finish` sends the last group and commits."""

    def __init__(self, using=DEFAULT_DB_ALIAS):
        self.connection = connections[using]
        self.combined = False
        self._atomic = None
        self._began = False
        self._finished = False

    def __enter__(self):
        self.connection.ensure_connection()
        self.combined = combines_statements(self.connection)
        if not self.combined:
            self._atomic = django_transaction.atomic(using=self.connection.alias, savepoint=False)
            self._atomic.__enter__()
        return self

    def run(self, statements):
        if self._finished:
            raise RuntimeError("This transaction is finished.")
        statements = list(statements)
        if not self.combined:
            return self._one_by_one(statements)
        prefix = [] if self._began else [Statement("BEGIN")]
        self._began = True
        return self._as_one_query(prefix + statements)

    def finish(self, statements=()):
        statements = list(statements)
        if not self.combined:
            rows = self._one_by_one(statements)
        elif self._began:
            rows = self._as_one_query(statements + [Statement("COMMIT")])
        else:
            # A transaction of one group: its BEGIN and COMMIT travel with it.
            rows = self._as_one_query([Statement("BEGIN"), *statements, Statement("COMMIT")])
        self._finished = True
        return rows

    def __exit__(self, exc_type, exc, traceback):
        if not self.combined:
            return self._atomic.__exit__(exc_type, exc, traceback)
        if (self._began and not self._finished) or exc_type is not None:
            self._roll_back()
        return False

    def _one_by_one(self, statements):
        found = []
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement.sql, statement.params or None)
                if statement.rows:
                    found.append(cursor.fetchall())
        return found

    def _as_one_query(self, statements):
        params = [value for statement in statements for value in statement.params]
        found = []
        with self.connection.cursor() as cursor:
            cursor.execute("; ".join(statement.sql for statement in statements), params or None)
            # One result per statement, in order (psycopg keeps them all: nextset()).
            for index, statement in enumerate(statements):
                if index:
                    cursor.nextset()
                if statement.rows:
                    found.append(cursor.fetchall())
        return found

    def _roll_back(self):
        """End whatever transaction the server still has open on this connection."""
        from psycopg import pq

        raw = self.connection.connection
        if raw is None or raw.closed:
            return
        try:
            if raw.info.transaction_status != pq.TransactionStatus.IDLE:
                raw.execute("ROLLBACK")
        except Exception:
            logger.warning("Could not roll back a combined transaction; closing its connection",
                           exc_info=True)
            self.connection.close()
