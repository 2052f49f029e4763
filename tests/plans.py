"""SQLite query plans of the statements a piece of code sends, for tests that pin an index down."""

from __future__ import annotations

import sqlalchemy as sa


def sqlite_plans(session, run) -> list[str]:
    """Run `run` and return SQLite's query plan lines of every statement it sent."""
    return [line for plan in sqlite_statement_plans(session, run) for line in plan]


def sqlite_statement_plans(session, run) -> list[list[str]]:
    """Run `run` and return SQLite's query plan of each statement it sent, one list of lines per statement."""
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    with engine.connect() as conn:
        return [
            [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            for statement, parameters in statements
        ]
