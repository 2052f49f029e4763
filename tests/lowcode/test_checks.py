"""Every spec is checked at start; each mistake fails with its stable error id and names the bad option."""

from __future__ import annotations

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from lowcode import checks, tables
from lowcode.registry import Registry
from lowcode.spec import Field, Roles, RowAction, Section

UNITS = tables.UNITS


def _broken(**changes) -> list[str]:
    """Return the errors of the product's registry with the units spec changed."""
    specs = [dataclasses.replace(s, **changes) if s.key == "units" else s for s in tables.REGISTRY]
    return [str(e) for e in checks.check(Registry(specs))]


def test_every_spec_of_the_product_passes_its_checks():
    assert checks.check(tables.REGISTRY) == []


def test_a_typo_in_the_list_columns_names_the_option_and_the_model():
    assert _broken(list_columns=("code", "nmae")) == [
        "lowcode.E003: AdminSpec(Unit).list_columns names 'nmae', which Unit does not have"
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"key": "Units"}, "lowcode.E001: AdminSpec(Unit).key is 'Units', not a lowercase identifier"),
        (
            {"search_fields": ("parent.nmae",)},
            "lowcode.E004: AdminSpec(Unit).search_fields names 'parent.nmae', which Unit does not have",
        ),
        (
            {"search_fields": ("active",)},
            "lowcode.E005: AdminSpec(Unit).search_fields names 'active', which is not a text",
        ),
        (
            {"filters": ("kindd",)},
            "lowcode.E006: AdminSpec(Unit).filters names 'kindd', which Unit does not have",
        ),
        (
            {"filters": ("name",)},
            "lowcode.E007: AdminSpec(Unit).filters names 'name', a text field, which cannot be a filter",
        ),
        (
            {"ordering": ("-cod",)},
            "lowcode.E008: AdminSpec(Unit).ordering names 'cod', which Unit does not have",
        ),
        (
            {"readonly_fields": ("versoin",)},
            "lowcode.E009: AdminSpec(Unit).readonly_fields names 'versoin', which Unit does not have",
        ),
        (
            {
                "form": (
                    Section(
                        "lowcode.section.basic",
                        ("code", "name", "short_name", "kind", "parent_id", "street_id"),
                    ),
                )
            },
            "lowcode.E011: AdminSpec(Unit).form leaves out 'active', which the table's rules write",
        ),
        (
            {"roles": Roles(view="reference.view", edit="reference.edti")},
            "lowcode.E012: AdminSpec(Unit).roles.edit names 'reference.edti', which is not an action of core.accounts.permissions",
        ),
        (
            {"label": ("shortname",)},
            "lowcode.E014: AdminSpec(Unit).label names 'shortname', which Unit does not have",
        ),
        (
            {"pii": (("name", "iris"),)},
            "lowcode.E016: AdminSpec(Unit).pii masks 'name' as 'iris', which core.accounts.pii cannot mask",
        ),
        ({"page_size": 0}, "lowcode.E017: AdminSpec(Unit).page_size is 0, not between 1 and 500"),
        (
            {"row_actions": (RowAction("merge", "lowcode.form.nope", "reference.edit", lambda *a: ""),)},
            "lowcode.E018: AdminSpec(Unit).actions['merge'] has no label lowcode.form.nope in both catalogs",
        ),
    ],
)
def test_each_mistake_fails_with_its_own_error_id(changes, expected):
    assert expected in _broken(**changes)


def test_a_table_the_page_keeps_some_of_its_viewers_out_of_fails(monkeypatch):
    from core.accounts import permissions
    from models import Role

    monkeypatch.setitem(permissions.PERMISSIONS, "data.view", frozenset({Role.ADMIN}))
    assert (
        "lowcode.E013: AdminSpec(Unit).roles.view lets roles in that the 'data.view' page keeps out: "
        "['handler', 'leader', 'registrar', 'supervisor']"
    ) in [str(e) for e in checks.check(tables.REGISTRY)]


def test_an_enum_whose_values_have_no_labels_fails():
    assert (
        "lowcode.E019: AdminSpec(Unit).fields['kind'] has values without a label enum.no_such_kind.*: "
        "['petition_office', 'department', 'street_office', 'discipline', 'judicial', 'mediation_centre', "
        "'enterprise', 'other']"
    ) in _broken(fields=(Field("kind", "enum", enum="no_such_kind"),))


def test_a_foreign_key_to_a_table_no_spec_shows_fails():
    alone = Registry([UNITS])  # units point at streets, which this registry does not show
    assert "lowcode.E015: AdminSpec(Unit).fields['street_id'] points at 'a table', which no spec shows" in [
        str(e) for e in checks.check(alone)
    ]


def test_the_app_does_not_start_with_a_spec_typo(engine, monkeypatch):
    broken = Registry(
        [dataclasses.replace(s, list_columns=("nmae",)) if s.key == "units" else s for s in tables.REGISTRY]
    )
    monkeypatch.setattr(tables, "REGISTRY", broken)
    import shell

    monkeypatch.setattr(shell, "_specs_checked", False)
    at = AppTest.from_file(shell.__file__, default_timeout=30).run()
    assert [e.value for e in at.error] == ["系统的数据表声明有误，无法启动。请把下面的错误交给维护人员。"]
    assert (
        at.code[0].value
        == "lowcode.E003: AdminSpec(Unit).list_columns names 'nmae', which Unit does not have"
    )
    assert not at.get("navigation") and not at.sidebar.caption  # nobody is signed in to a broken app


def _users_broken(**changes) -> list[str]:
    specs = [dataclasses.replace(s, **changes) if s.key == "users" else s for s in tables.REGISTRY]
    return [str(e) for e in checks.check(Registry(specs))]


def test_a_password_hash_is_never_read_by_a_screen():
    assert _users_broken(secret=()) == [
        "lowcode.E023: AdminSpec(User).secret leaves out 'password_hash': a hash is never read by a screen"
    ]
    listed = (*tables.USERS.list_columns, "password_hash")
    assert (
        "lowcode.E023: AdminSpec(User).secret names 'password_hash', which a list, a form or a sheet shows"
    ) in _users_broken(list_columns=listed)
