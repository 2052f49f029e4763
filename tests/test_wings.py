"""core/ is organised in wings; each imports only the wings below it (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "core"
# bottom first: a wing may import any wing listed before it, never one after it
WINGS = (
    "platform",
    "places",
    "accounts",
    "calendar",
    "cases",
    "kpis",
    "mediation",
    "supervision",
    "documents",
    "exchange",
    "desk",
    "demo",
)
ENTRY_MODULES = {"bootstrap", "commands", "__main__", "__init__"}  # core/*.py above every wing


def _imports(path: Path) -> list[tuple[int, str]]:
    """Return (line, module) of every absolute import in a file, lazy ones inside functions included."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
            if node.module == "core":
                out += [(node.lineno, f"core.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
    return out


def _upward_imports(path: Path, wing: str) -> list[str]:
    rank = WINGS.index(wing)
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    bad = []
    for line, module in _imports(path):
        parts = module.split(".")
        if parts[0] in ("streamlit", "pages", "widgets", "api", "lowcode", "shell", "streamlit_app"):
            bad.append(f"{name}:{line} imports {module} (core never imports the UI)")
        if parts[0] != "core" or len(parts) < 2:
            continue
        target = parts[1]
        if target in ENTRY_MODULES:
            bad.append(f"{name}:{line} imports {module}, which sits above every wing")
        elif target not in WINGS:
            bad.append(f"{name}:{line} imports {module}, which is in no wing")
        elif WINGS.index(target) > rank:
            bad.append(f"{name}:{line}: wing {wing} imports {module} from a higher wing")
    return bad


def test_every_core_module_lives_in_a_wing():
    loose = [p.name for p in CORE.glob("*.py") if p.stem not in ENTRY_MODULES]
    assert loose == []
    folders = {p.name for p in CORE.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders <= set(WINGS), folders - set(WINGS)


def test_no_wing_imports_a_wing_above_it():
    bad = []
    for wing in WINGS:
        for path in sorted((CORE / wing).rglob("*.py")) if (CORE / wing).is_dir() else []:
            bad += _upward_imports(path, wing)
    assert bad == []


def test_the_check_catches_an_upward_import(tmp_path):
    source = tmp_path / "x.py"
    source.write_text(
        "from core.platform import db\n"
        "from core import bootstrap\n"
        "def f():\n"
        "    from core.desk import todo\n"
        "    import streamlit\n"
    )
    bad = _upward_imports(source, "cases")
    assert len(bad) == 3
    assert "x.py:2 imports core.bootstrap" in bad[0]
    assert "x.py:4: wing cases imports core.desk from a higher wing" in bad[1]
    assert "x.py:5 imports streamlit" in bad[2]
