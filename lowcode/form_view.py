"""The forms of a generated table: create and edit derived from the fields, delete with confirmation,
deactivate, and the spec's row and table actions, each calling the table's core function once.

A field's widget follows its kind (text, long text, number, date, enum with its label, yes/no, a foreign key
as a searchable labelled picker, many-to-many as a multiselect); a save's errors show under their fields,
a stale save says who changed the row and when, and offers to reload.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from core.accounts import permissions
from core.platform import db, timeutil
from core.platform.errors import PetitionDeskError, StaleVersion, ValidationError
from i18n import label, t
from i18n.format import fmt_int
from lowcode import list_view, query
from lowcode.registry import Registry
from lowcode.spec import AdminSpec, Field, RowAction, TableAction, field_label, title
from lowcode.ui_state import ERRORS, OPEN, STALE, close, flash, is_open, open_dialog
from widgets.text import field_error, md

EARLIEST = date(1990, 1, 1)


def _key(spec: AdminSpec, name: str) -> str:
    return f"lc.{spec.key}.{name}"


def _allowed(user, spec: AdminSpec, operation: str) -> bool:
    action = spec.roles.of(operation)
    return action is not None and permissions.allowed(user, action)


def _done(details: dict | None, key: str = "lowcode.form.saved") -> str:
    moved = (details or {}).get("cases_recomputed")
    ended = (details or {}).get("sessions_ended")
    text = t(key)
    text += t("lowcode.form.recomputed", n=fmt_int(moved)) if moved is not None else ""
    return text + (t("lowcode.form.sessions_ended", n=fmt_int(ended)) if ended is not None else "")


# --- widgets -------------------------------------------------------------------------------------------------


def _caption(spec: AdminSpec, f: Field, name: str) -> str:
    text = field_label(spec, name)
    if f.unit:
        text = f"{text}（{t(f.unit)}）"
    return f"{text} *" if f.required else text


def _choices(session, registry: Registry, f: Field, current) -> dict:
    """Return {id: label} of a picker: the active rows, and the current ones even if deactivated."""
    target = registry.target(f)
    if target is None:
        return {}
    found = dict(query.choices(session, target, active_only=True))
    wanted = [
        v for v in (current if isinstance(current, list) else [current]) if v is not None and v not in found
    ]
    if wanted:
        found.update(query.choices(session, target, ids=wanted))
    return found


def widget(spec: AdminSpec, f: Field, key: str, value: Any, *, disabled: bool, options: dict) -> None:
    """Draw the widget of one field, starting at `value` (the first time the key is drawn)."""
    text, help_text = _caption(spec, f, f.name), t(f.help) if f.help else None
    common = {"key": key, "disabled": disabled, "help": help_text}
    fresh = key not in st.session_state
    start = (lambda v: {"value": v}) if fresh else (lambda v: {})
    if f.kind in {"text", "password"}:
        password = {"type": "password", "autocomplete": "new-password"} if f.kind == "password" else {}
        st.text_input(
            text, max_chars=f.max_length, **start("" if value is None else str(value)), **password, **common
        )
    elif f.kind in {"longtext", "json"}:
        st.text_area(
            text, max_chars=f.max_length, height=110, **start("" if value is None else str(value)), **common
        )
    elif f.kind in {"int", "float"}:
        step = 1 if f.kind == "int" else 0.1
        bounds = {k: v for k, v in (("min_value", f.minimum), ("max_value", f.maximum)) if v is not None}
        if f.kind == "int":
            bounds = {k: int(v) for k, v in bounds.items()}
        st.number_input(text, step=step, **bounds, **start(value), **common)
    elif f.kind == "date":
        st.date_input(text, min_value=EARLIEST, format="YYYY-MM-DD", **start(value), **common)
    elif f.kind == "datetime":
        local = timeutil.to_local(value)
        st.text_input(text, value=local.strftime("%Y-%m-%d %H:%M") if local else "", key=key, disabled=True)
    elif f.kind == "bool":
        st.checkbox(text, **start(bool(value)), **common)
    elif f.kind == "enum":
        values = list(f.choices)
        index = {"index": values.index(value) if value in values else None} if fresh else {}
        st.selectbox(
            text,
            values,
            format_func=lambda v: label(f.enum, v),
            placeholder=t("lowcode.form.choose"),
            **index,
            **common,
        )
    elif f.kind == "fk":
        ids = list(options)
        index = {"index": ids.index(value) if value in ids else None} if fresh else {}
        st.selectbox(
            text,
            ids,
            format_func=lambda v: options.get(v, str(v)),
            placeholder=t("lowcode.form.search_pick"),
            **index,
            **common,
        )
    elif f.kind == "m2m":
        ids = list(options)
        default = {"default": [v for v in value or [] if v in options]} if fresh else {}
        st.multiselect(
            text,
            ids,
            format_func=lambda v: options.get(v, str(v)),
            placeholder=t("lowcode.form.search_pick"),
            **default,
            **common,
        )


def _value(f: Field, raw: Any) -> Any:
    if f.kind == "password":
        return raw or ""  # a password is taken as typed, spaces included
    if f.kind in {"text", "longtext", "json"}:
        return (raw or "").strip() if isinstance(raw, str) else raw
    if f.kind == "int" and raw is not None:
        return int(raw)
    if f.kind == "m2m":
        return list(raw or [])
    if f.kind == "bool":
        return bool(raw)
    return raw


# --- which fields a form shows -----------------------------------------------------------------------------


def form_fields(
    registry: Registry, spec: AdminSpec, mode: str, row: dict | None
) -> list[tuple[str, list[Field]]]:
    """Return the form's sections as (title, fields) for `mode` (create or edit)."""
    if spec.form_fields is not None and row is not None:
        return [("", list(spec.form_fields(row)))]
    fields = registry.fields(spec)
    out = []
    for section in spec.form:
        if section.on not in ("both", mode):
            continue
        names = [n for n in section.fields if not (mode == "create" and n in spec.readonly_fields)]
        out.append((t(section.title), [fields[n] for n in names]))
    return out


def _disabled(spec: AdminSpec, f: Field, mode: str) -> bool:
    create_only = spec.rules.create_only if spec.rules else ()
    return (
        f.name in spec.readonly_fields or f.kind == "datetime" or (mode == "edit" and f.name in create_only)
    )


def _defaults(spec: AdminSpec) -> dict:
    out = {}
    for name, info in spec.model.model_fields.items():
        if not info.is_required() and name != spec.pk:
            out[name] = info.get_default(call_default_factory=True)
    return out


# --- saving ------------------------------------------------------------------------------------------------


def _collect(spec: AdminSpec, sections, prefix: str, mode: str) -> dict:
    values = {}
    for _, fields in sections:
        for f in fields:
            if not _disabled(spec, f, mode):
                values[f.name] = _value(f, st.session_state.get(prefix + f.name))
    return values


def _save(
    registry: Registry, spec: AdminSpec, user, mode: str, pk, version, form_id: str, prefix: str, sections
):
    values = _collect(spec, sections, prefix, mode)
    state = st.session_state
    try:
        with db.session_scope() as session:
            if mode == "create":
                result = spec.store.call("create", session, user, values)
            else:
                result = spec.store.call("update", session, user, pk, version, values)
            saved = getattr(result.row, spec.pk) if result.row is not None else pk
    except ValidationError as exc:
        state[ERRORS] = {form_id: exc.errors or {"_form": exc.message}}
        return
    except StaleVersion as exc:
        state[STALE] = {form_id: exc.message}
        return
    except PetitionDeskError as exc:
        state[ERRORS] = {form_id: {"_form": exc.message}}
        return
    state[ERRORS], state[STALE] = {}, {}
    flash("success", _done(result.details))
    if mode == "create":
        close()
        state[_key(spec, "row")] = saved


def draw_form(
    registry: Registry, spec: AdminSpec, user, mode: str, row: dict | None, form_id: str, prefix: str
) -> None:
    """Draw a create or edit form whose submit saves through the table's core function."""
    errors = dict(st.session_state.get(ERRORS, {}).get(form_id) or {})
    sections = form_fields(registry, spec, mode, row)
    start = row if row is not None else _defaults(spec)
    if row is not None and spec.initial is not None:
        start = {**row, **spec.initial(row)}
    with db.session_scope() as session:
        options = {
            f.name: _choices(session, registry, f, start.get(f.name))
            for _, fields in sections
            for f in fields
            if f.kind in {"fk", "m2m"}
        }
    with st.form(form_id, border=mode == "edit", enter_to_submit=False):
        for heading, fields in sections:
            if heading and len(sections) > 1:
                st.markdown(f"**{md(heading)}**")
            cols = st.columns(2)
            for i, f in enumerate(fields):
                with cols[i % 2] if f.kind not in {"longtext", "json", "m2m"} else st.container():
                    widget(
                        spec,
                        f,
                        prefix + f.name,
                        start.get(f.name),
                        disabled=_disabled(spec, f, mode),
                        options=options.get(f.name, {}),
                    )
                    field_error(errors.pop(f.name, None))
        for message in errors.values():
            st.error(message)
        pk, version = (row or {}).get(spec.pk), (row or {}).get("version")
        st.form_submit_button(
            t("lowcode.form.create" if mode == "create" else "lowcode.form.save"),
            type="primary",
            on_click=_save,
            args=(registry, spec, user, mode, pk, version, form_id, prefix, sections),
        )


# --- the selected row ---------------------------------------------------------------------------------------


def _reload(spec: AdminSpec) -> None:
    st.session_state[STALE] = {}
    st.session_state[_key(spec, "form_gen")] = st.session_state.get(_key(spec, "form_gen"), 0) + 1


def _toggle_active(spec: AdminSpec, user, pk, version: int, active: bool) -> None:
    try:
        with db.session_scope() as session:
            result = spec.store.call("set_active", session, user, pk, version, active)
    except PetitionDeskError as exc:
        flash("error", exc.message)
        return
    flash(
        "success", _done(result.details, "lowcode.form.activated" if active else "lowcode.form.deactivated")
    )


def _readonly(registry: Registry, spec: AdminSpec, row: dict) -> None:
    fields = registry.fields(spec)
    shown = [
        n
        for n in dict.fromkeys((*spec.list_columns, *(f for s in spec.form for f in s.fields)))
        if n in fields
    ]
    lines = []
    for name in shown:
        value = row.get(name)
        f = fields[name]
        if f.kind == "enum":
            value = label(f.enum, value)
        elif f.kind == "bool":
            value = t("common.yes") if value else t("common.no")
        elif f.kind in {"fk", "m2m"}:
            with db.session_scope() as session:
                names = _choices(session, registry, f, value)
            value = (
                "、".join(names.get(v, "") for v in value)
                if isinstance(value, list)
                else names.get(value, "")
            )
        lines.append(f"- **{md(field_label(spec, name))}**：{md(value if value not in (None, '') else '—')}")
    st.markdown("\n".join(lines))


def row_panel(registry: Registry, spec: AdminSpec, user, pk) -> bool:
    """Show the selected row: its form (or its values, read-only), deactivate, delete and the row actions.

    Return False (and forget the selection) when the row is gone or not the user's to see.
    """
    try:
        with db.session_scope() as session:
            row = query.get_row(session, spec, user, pk)
            name = _row_label(registry, spec, row, session)
    except PetitionDeskError:
        list_view.close_row(spec)
        return False
    with st.container(border=True):
        head = st.columns([5, 1], vertical_alignment="center")
        head[0].subheader(t("lowcode.form.row_title", table=title(spec), row=name))
        head[1].button(
            t("lowcode.form.close"),
            key=_key(spec, "close_row"),
            on_click=list_view.close_row,
            args=(spec,),
            icon=":material/close:",
            type="tertiary",
        )
        form_id = f"lc_{spec.key}_edit"
        stale = (st.session_state.get(STALE) or {}).get(form_id)
        if stale:
            st.warning(stale, icon=":material/sync_problem:")
            st.button(
                t("lowcode.form.reload"),
                key=_key(spec, "reload"),
                on_click=_reload,
                args=(spec,),
                type="primary",
            )
        if _allowed(user, spec, "edit"):
            gen = st.session_state.get(_key(spec, "form_gen"), 0)
            draw_form(
                registry,
                spec,
                user,
                "edit",
                row,
                form_id,
                f"lc.{spec.key}.edit.{pk}.{row.get('version')}.{gen}.",
            )
        else:
            _readonly(registry, spec, row)
        _row_buttons(spec, user, row)
    return True


def _row_label(registry: Registry, spec: AdminSpec, row: dict, session) -> str:
    """Return how the selected row is named: its natural key and its label (a setting's name, a unit's)."""
    display, fields = dict(spec.display), registry.fields(spec)

    def text(name: str):
        if name in display:
            return display[name](row)
        value = row.get(name)
        target = registry.target(fields.get(name))
        if target is not None and value is not None:  # a key part that is a foreign key: its label
            return dict(query.choices(session, target, ids=[value])).get(value)
        return value.isoformat() if isinstance(value, date) else value

    key = [text(n) for n in spec.natural_key() if n in row and (n != spec.pk or not isinstance(row[n], int))]
    named = [text(p.split("|")[0]) or text(p.split("|")[-1]) for p in spec.label if "." not in p]
    parts = [str(p) for p in dict.fromkeys([*key, *named]) if p not in (None, "")]
    if any(n in display for n in spec.natural_key()):
        parts = [str(p) for p in dict.fromkeys(named) if p]  # a computed name says more than the raw key
    return md(" ".join(parts) or str(row.get(spec.pk)))


def _row_buttons(spec: AdminSpec, user, row: dict) -> None:
    pk, version = row.get(spec.pk), row.get("version")
    with st.container(horizontal=True, gap="small"):
        if spec.has_active and _allowed(user, spec, "edit"):
            active = bool(row.get("active"))
            st.button(
                t("lowcode.form.deactivate" if active else "lowcode.form.activate"),
                key=_key(spec, "toggle_active"),
                on_click=_toggle_active,
                args=(spec, user, pk, version, not active),
                icon=":material/block:" if active else ":material/check_circle:",
            )
        if _allowed(user, spec, "delete"):
            _dialog_button(spec, "delete", "lowcode.form.delete", ":material/delete:", pk=pk, version=version)
        for action in spec.row_actions:
            if permissions.allowed(user, action.permission) and (action.when is None or action.when(row)):
                more = {"pk": pk, "version": version, "action": action.name}
                _dialog_button(
                    spec, "row_action", action.label, action.icon, name=f"action.{action.name}", **more
                )


def _dialog_button(spec: AdminSpec, kind: str, label_key: str, icon: str, *, name: str = "", **more) -> None:
    """Draw a button that opens one of the table's dialogs."""
    st.button(
        t(label_key),
        key=_key(spec, name or kind),
        on_click=open_dialog,
        args=(spec, kind),
        kwargs=more,
        icon=icon,
    )


# --- the toolbar's buttons and the dialogs ---------------------------------------------------------------------


def create_button(spec: AdminSpec, user) -> None:
    if _allowed(user, spec, "create"):
        st.button(
            t("lowcode.form.new"),
            key=_key(spec, "new"),
            on_click=open_dialog,
            args=(spec, "create"),
            type="primary",
            icon=":material/add:",
        )


def table_action_buttons(spec: AdminSpec, user) -> None:
    for action in spec.table_actions:
        if permissions.allowed(user, action.permission):
            st.button(
                t(action.label),
                key=_key(spec, f"table_action.{action.name}"),
                on_click=open_dialog,
                args=(spec, "table_action"),
                kwargs={"action": action.name},
                icon=action.icon,
            )


def _delete(spec: AdminSpec, user, pk, version: int) -> None:
    try:
        with db.session_scope() as session:
            result = spec.store.call("delete", session, user, pk, version)
    except PetitionDeskError as exc:
        st.session_state[ERRORS] = {"delete": {"_form": exc.message}}
        return
    close()
    list_view.close_row(spec)
    flash("success", _done(result.details, "lowcode.form.deleted"))


def _delete_body(spec: AdminSpec, user, opened: dict) -> None:
    message = (st.session_state.get(ERRORS, {}).get("delete") or {}).get("_form")
    if message:
        st.error(message, icon=":material/link:")
        cols = st.columns(2)
        cols[1].button(t("common.cancel"), key=_key(spec, "delete_cancel"), on_click=close)
        return
    st.warning(t("lowcode.form.delete_confirm"), icon=":material/warning:")
    cols = st.columns(2)
    cols[0].button(
        t("lowcode.form.delete"),
        key=_key(spec, "delete_go"),
        type="primary",
        on_click=_delete,
        args=(spec, user, opened["pk"], opened["version"]),
    )
    cols[1].button(t("common.cancel"), key=_key(spec, "delete_cancel"), on_click=close)


def _run_action(spec: AdminSpec, user, action, pk, prefix: str) -> None:
    inputs = {f.name: _value(f, st.session_state.get(prefix + f.name)) for f in action.inputs}
    try:
        with db.session_scope() as session:
            if isinstance(action, RowAction):
                message = action.run(session, user, pk, inputs)
            else:
                message = action.run(session, user, inputs)
    except ValidationError as exc:
        st.session_state[ERRORS] = {"action": exc.errors or {"_form": exc.message}}
        return
    except PetitionDeskError as exc:
        st.session_state[ERRORS] = {"action": {"_form": exc.message}}
        return
    close()
    flash("success", message)


def _action_body(spec: AdminSpec, user, action: RowAction | TableAction, opened: dict) -> None:
    errors = dict((st.session_state.get(ERRORS) or {}).get("action") or {})
    prefix = f"lc.{spec.key}.action.{action.name}.{opened.get('pk')}."
    start = {}
    if isinstance(action, TableAction) and action.prefill:
        with db.session_scope() as session:
            start = action.prefill(session)
    if getattr(action, "confirm", ""):
        st.warning(t(action.confirm), icon=":material/warning:")
    with st.form(f"lc_{spec.key}_action_{action.name}", border=False, enter_to_submit=False):
        for f in action.inputs:
            widget(spec, f, prefix + f.name, start.get(f.name), disabled=False, options={})
            field_error(errors.pop(f.name, None))
        for message in errors.values():
            st.error(message)
        st.form_submit_button(
            t(action.label),
            type="primary",
            on_click=_run_action,
            args=(spec, user, action, opened.get("pk"), prefix),
        )


def _create_body(registry: Registry, spec: AdminSpec, user, _opened: dict) -> None:
    gen = st.session_state.get(_key(spec, "create_gen"), 0)
    draw_form(registry, spec, user, "create", None, f"lc_{spec.key}_create", f"lc.{spec.key}.create.{gen}.")


def _body(draw):
    """Wrap a dialog's body: once its callback closed it, rerun the whole page (a dialog reruns alone)."""

    def body(*args):
        if not st.session_state.get(OPEN):
            st.rerun()
        draw(*args)

    return body


def dialogs(registry: Registry, spec: AdminSpec, user) -> None:
    """Show the open dialog of this table, if any: create, delete, or one of its actions."""
    opened = is_open(spec)
    if not opened:
        return
    kind = opened["kind"]
    if kind == "create" and _allowed(user, spec, "create"):
        st.dialog(t("lowcode.form.new_title", table=title(spec)), width="large", on_dismiss=close)(
            _body(_create_body)
        )(registry, spec, user, opened)
    elif kind == "delete" and _allowed(user, spec, "delete"):
        st.dialog(t("lowcode.form.delete_title"), on_dismiss=close)(_body(_delete_body))(spec, user, opened)
    elif kind in {"row_action", "table_action"}:
        pool = spec.row_actions if kind == "row_action" else spec.table_actions
        action = next((a for a in pool if a.name == opened.get("action")), None)
        if action is not None and permissions.allowed(user, action.permission):
            st.dialog(t(action.label), width="large", on_dismiss=close)(_body(_action_body))(
                spec, user, action, opened
            )
