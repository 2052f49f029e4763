"""Full-text-ish search over case titles and content: Chinese text indexed as overlapping bigrams.

One tokenizer serves both databases: SQLite keeps the tokens in a contentless FTS5 table `case_fts`
(rowid = case id), PostgreSQL in `case_search.tsv` (a tsvector with a GIN index). A query of two or more
characters becomes a phrase of its bigrams, which matches exactly the texts that contain it as a substring.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session

SEARCH_TABLES = {"case_fts", "case_search"}  # created by migration 0002, not by the models
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")


def tokens(text: str | None) -> list[str]:
    """Return the index tokens of `text`: bigrams of every CJK run (a lone character stays), ASCII words whole."""
    if not text:
        return []
    norm = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    for run in _RUN.findall(norm):
        if run[0].isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def document(*parts: str | None) -> str:
    """Return the token string indexed for a case (title, content, request)."""
    return " ".join(t for part in parts for t in tokens(part))


def searchable(query: str) -> bool:
    """Return whether the index can answer `query` (it has at least one bigram or ASCII word)."""
    toks = tokens(query)
    return bool(toks) and not (len(toks) == 1 and len(toks[0]) == 1 and not toks[0].isascii())


def _phrase(query: str) -> str:
    return " ".join(tokens(query))


def match_case_ids(dialect: str, query: str) -> sa.TextClause:
    """Return a SELECT of the ids of cases whose text contains every word of `query` (bound as :fts_q)."""
    if dialect == "sqlite":
        words = [_phrase(w) for w in query.split() if tokens(w)]
        expr = " AND ".join('"' + w.replace('"', "") + '"' for w in words)
        return sa.text("SELECT rowid AS id FROM case_fts WHERE case_fts MATCH :fts_q").bindparams(fts_q=expr)
    words = [_phrase(w) for w in query.split() if tokens(w)]
    cond = " AND ".join(f"tsv @@ phraseto_tsquery('simple', :fts_q{i})" for i in range(len(words)))
    return sa.text(f"SELECT case_id AS id FROM case_search WHERE {cond}").bindparams(
        **{f"fts_q{i}": w for i, w in enumerate(words)}
    )


Row = tuple[int, str | None, str | None, str | None]  # (case id, title, content, request)


def index_rows(session: Session, rows: Iterable[Row], *, old: Iterable[Row] = ()) -> None:
    """Index new cases, replacing the entries of `old` (the same cases' previous texts); the caller commits."""
    payload = [{"id": cid, "doc": document(title, content, request)} for cid, title, content, request in rows]
    # A contentless FTS5 table forgets a row only when told its old tokens (SQLite < 3.43).
    index_documents(session, payload, stale=[{"id": cid, "doc": document(t, c, r)} for cid, t, c, r in old])


def index_documents(session: Session, payload: list[dict], *, stale: list[dict] = ()) -> None:
    """Index documents made by `document` ({"id": case id, "doc": …}), replacing `stale` ones; no commit."""
    if not payload:
        return
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        if stale:
            conn.execute(
                sa.text("INSERT INTO case_fts(case_fts, rowid, body) VALUES ('delete', :id, :doc)"), stale
            )
        conn.execute(sa.text("INSERT INTO case_fts(rowid, body) VALUES (:id, :doc)"), payload)
    else:
        conn.execute(
            sa.text(
                "INSERT INTO case_search(case_id, tsv) VALUES (:id, to_tsvector('simple', :doc)) "
                "ON CONFLICT (case_id) DO UPDATE SET tsv = EXCLUDED.tsv"
            ),
            payload,
        )


def index_case(
    session: Session, case, *, old: tuple[str | None, str | None, str | None] | None = None
) -> None:
    """Index one case's title, content and request (`old`: its previous texts, when they changed)."""
    session.flush()
    index_rows(
        session, [(case.id, case.title, case.content, case.request)], old=[(case.id, *old)] if old else ()
    )
