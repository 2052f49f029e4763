"""Delivery log (推送记录): the administrator sees each subscribed system and every webhook or text message owed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.exchange import delivery
from core.platform import db, timeutil
from i18n import t
from i18n.format import fmt_datetime
from widgets.guard import require_page

COLUMNS = ("id", "kind", "event", "number", "target", "status", "attempts", "created_at", "next_attempt_at",
           "delivered_at", "last_error")  # fmt: skip


def _when(value) -> str:
    return fmt_datetime(timeutil.to_local(value)) if value else ""


def render() -> None:
    user = require_page("webhook.manage")
    st.title(t("outbox.page.title"))
    with db.session_scope() as session:
        subs, rows = delivery.delivery_log(session, user)
    st.subheader(t("outbox.page.subscriptions"))
    if subs:
        st.dataframe(
            pd.DataFrame(
                [
                    [s["name"], s["url"], "、".join(t(f"outbox.event.{e}") for e in s["events"]), s["active"]]
                    for s in subs
                ],
                columns=[t(f"outbox.page.{c}") for c in ("name", "url", "events", "active")],
            ),
            hide_index=True,
        )
    else:
        st.info(t("outbox.page.no_subscriptions"))
    st.subheader(t("outbox.page.messages"))
    if not rows:
        st.info(t("outbox.page.empty"))
        return
    table = [
        [
            r["id"], t(f"outbox.kind.{r['kind']}"), t(f"outbox.event.{r['event']}"), r["number"] or "", r["target"],
            t(f"outbox.status.{r['status']}"), r["attempts"], _when(r["created_at"]), _when(r["next_attempt_at"]),
            _when(r["delivered_at"]), r["last_error"] or "",
        ]
        for r in rows
    ]  # fmt: skip
    st.dataframe(pd.DataFrame(table, columns=[t(f"outbox.page.{c}") for c in COLUMNS]), hide_index=True)
