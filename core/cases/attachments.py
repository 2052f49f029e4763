"""Attachments of a case (scans, photos, audio): checked, stored content-addressed, listed and read.

The bytes live at <attachments_dir>/<sha256[:2]>/<sha256>, written once however often they are uploaded;
an Attachment row per case points at them. The type is recognised from the content, not from the name
the browser sends, so a renamed executable is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from core.accounts import audit, permissions, pii
from core.platform.config import get_settings
from core.platform.errors import NotFound, PermissionDenied, ValidationError
from i18n import t
from models import Attachment, AttachmentKind, Case, User

MAX_BYTES = 20 * 1024 * 1024  # one file
MAX_FILES = 10  # one upload
EXTENSIONS = (
    "pdf",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "heic",
    "tif",
    "tiff",
    "mp3",
    "m4a",
    "wav",
    "amr",
    "ogg",
)
FIELD = "attachments"
_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"mp42", b"isom")
_HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"mif1")


@dataclass(frozen=True)
class Upload:
    """A file as the user handed it in: its name and its bytes."""

    filename: str
    data: bytes


def sniff(data: bytes) -> tuple[str, AttachmentKind] | None:
    """Return the MIME type and kind recognised from the first bytes, or None for an unsupported file."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf", AttachmentKind.SCAN
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff", AttachmentKind.SCAN
    images = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"GIF8": "image/gif"}
    for magic, mime in images.items():
        if head.startswith(magic):
            return mime, AttachmentKind.PHOTO
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return (
            ("image/webp", AttachmentKind.PHOTO)
            if head[8:12] == b"WEBP"
            else ("audio/wav", AttachmentKind.AUDIO)
        )
    if head[4:8] == b"ftyp":
        if head[8:12] in _HEIC_BRANDS:
            return "image/heic", AttachmentKind.PHOTO
        if head[8:12] in _AUDIO_BRANDS:
            return "audio/mp4", AttachmentKind.AUDIO
    audio = {b"ID3": "audio/mpeg", b"#!AMR": "audio/amr", b"OggS": "audio/ogg"}
    for magic, mime in audio.items():
        if head.startswith(magic):
            return mime, AttachmentKind.AUDIO
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # an MPEG audio frame without ID3
        return "audio/mpeg", AttachmentKind.AUDIO
    return None


def clean_filename(name: str) -> str:
    """Return the file's own name without folders or control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "attachment"
    if len(name) <= 200:
        return name
    stem, dot, ext = name.rpartition(".")
    return (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:200]


def check_uploads(uploads: list[Upload]) -> None:
    """Raise ValidationError (field "attachments") unless every file is a supported type within the limits."""
    problems = [t("desk.attachment.too_many", max=MAX_FILES)] if len(uploads) > MAX_FILES else []
    for upload in uploads:
        name = clean_filename(upload.filename)
        if not upload.data:
            problems.append(t("desk.attachment.empty", name=name))
        elif len(upload.data) > MAX_BYTES:
            problems.append(t("desk.attachment.too_large", name=name, max=MAX_BYTES // (1024 * 1024)))
        elif sniff(upload.data) is None:
            problems.append(t("desk.attachment.bad_type", name=name))
    if problems:
        message = " ".join(problems)
        raise ValidationError(message, errors={FIELD: message})


def path_for(sha256: str) -> Path:
    """Return where the bytes with this SHA-256 are stored."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return get_settings().attachments_dir / sha256[:2] / sha256


def store_bytes(data: bytes) -> str:
    """Write the bytes under their SHA-256 unless already there; return the digest."""
    sha = hashlib.sha256(data).hexdigest()
    target = path_for(sha)
    if target.is_file() and target.stat().st_size == len(data):
        return sha
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename: a reader never sees half a file, and two writers agree.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha


def _require_add(actor: User, case: Case) -> None:
    permissions.require_case(actor, "case.view", case)
    if not (permissions.allowed(actor, "case.register") or permissions.allowed(actor, "case.handle")):
        raise PermissionDenied(t("error.forbidden"))


def add_to_case(session: Session, actor: User, case_id: int, uploads: list[Upload]) -> list[Attachment]:
    """Check, store and attach files to a case, one audit event each, in one transaction; return the rows."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(t("error.not_found"))
    _require_add(actor, case)
    check_uploads(uploads)
    try:
        rows = [_attach(session, actor, case, upload) for upload in uploads]
        session.commit()
    except Exception:
        session.rollback()
        raise
    return rows


def _attach(session: Session, actor: User, case: Case, upload: Upload) -> Attachment:
    sha = store_bytes(upload.data)
    same = select(Attachment).where(Attachment.case_id == case.id, Attachment.sha256 == sha)
    existing = session.exec(same).first()
    if existing is not None:  # the same file twice on one case is one attachment
        return existing
    mime, kind = sniff(upload.data)
    row = Attachment(
        case_id=case.id,
        sha256=sha,
        filename=clean_filename(upload.filename),
        mime_type=mime,
        size=len(upload.data),
        kind=kind,
        confidential=pii.is_sensitive(case),
        uploaded_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    after = audit.snapshot(row, ("filename", "sha256", "mime_type", "size", "kind"))
    audit.record(
        session,
        actor,
        "attachment.add",
        object_type="attachment",
        object_id=row.id,
        case_id=case.id,
        after=after,
    )
    return row


def read(session: Session, actor: User, attachment_id: int) -> tuple[Attachment, bytes]:
    """Return an attachment the user may see and its bytes; NotFound otherwise, so existence is not revealed."""
    row = session.get(Attachment, attachment_id)
    case = session.get(Case, row.case_id) if row is not None and row.case_id is not None else None
    if case is None or not pii.attachment_visible(actor, case, row):
        raise NotFound(t("error.not_found"))
    try:
        return row, path_for(row.sha256).read_bytes()
    except FileNotFoundError:
        raise NotFound(t("desk.attachment.missing", name=row.filename)) from None
