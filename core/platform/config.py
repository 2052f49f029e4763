"""Typed settings read once from the environment (and .streamlit/secrets.toml for the secret key)."""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _data_dir() -> Path:
    return Path(os.environ.get("PETITION_DESK_DATA", PROJECT_ROOT / "data"))


@dataclass(frozen=True)
class Settings:
    """Process settings; tunables that administrators edit live in the Setting table instead."""

    database_url: str
    data_dir: Path
    office_name: str
    case_prefix: str

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"


def default_database_url(data_dir: Path | None = None) -> str:
    data_dir = data_dir or _data_dir()
    return f"sqlite:///{data_dir / 'petition_desk.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings of this process."""
    data_dir = _data_dir()
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or default_database_url(data_dir),
        data_dir=data_dir,
        office_name=os.environ.get("PETITION_DESK_OFFICE", "重庆市江北区信访办"),
        case_prefix=os.environ.get("PETITION_DESK_CASE_PREFIX", "JB"),
    )


def _secrets_file_value(key: str) -> str | None:
    for path in (PROJECT_ROOT / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"):
        if path.is_file():
            with path.open("rb") as fh:
                value = tomllib.load(fh).get(key)
            if value:
                return str(value)
    return None


@lru_cache(maxsize=1)
def secret_key() -> str:
    """Return the key that signs session cookies: env, then secrets.toml, then a per-install random file."""
    value = os.environ.get("PETITION_DESK_SECRET_KEY") or _secrets_file_value("cookie_secret")
    if value:
        return value
    # A fresh install still works: a random key kept under data/ (git-ignored), never in the repository.
    path = _data_dir() / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value
