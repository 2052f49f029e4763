"""A user's own settings: the interface language (kept on the user row, so it follows him to any browser)."""

from __future__ import annotations

from sqlmodel import Session

from core.accounts import audit, permissions
from core.platform.errors import NotFound, ValidationError
from i18n import LANGUAGES, t
from models import User


def set_language(session: Session, actor: User, language: str) -> User:
    """Keep `language` as the actor's own interface language; audited, one commit; a no-op when unchanged."""
    permissions.require(actor, "account.language")
    if language not in LANGUAGES:
        raise ValidationError(
            t("workflow.error.invalid_value", field=t("audit.field.language")), field="language"
        )
    user = session.get(User, actor.id)
    if user is None:
        raise NotFound(t("error.not_found"))
    if user.language == language:
        return user
    before = {"language": user.language}
    user.language = language
    user.version += 1
    audit.record(
        session,
        actor,
        "user.language",
        object_type="user",
        object_id=user.id,
        before=before,
        after={"language": language},
    )
    session.commit()
    session.refresh(user)
    return user
