"""Attachments: recognised by content, limited in size and number, stored once by SHA-256, audited."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from core.cases import attachments
from core.cases.attachments import Upload
from core.platform.errors import NotFound, PermissionDenied, ValidationError
from models import Attachment, AttachmentKind, CaseEvent, Category, Role
from tests.factories import make_user, register

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """Point the attachments folder at a fresh directory for each test."""
    from core.platform import config

    monkeypatch.setenv("PETITION_DESK_DATA", str(tmp_path))
    config.get_settings.cache_clear()
    yield tmp_path
    config.get_settings.cache_clear()


@pytest.mark.parametrize(
    ("data", "mime", "kind"),
    [
        (PDF, "application/pdf", AttachmentKind.SCAN),
        (JPEG, "image/jpeg", AttachmentKind.PHOTO),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "image/png", AttachmentKind.PHOTO),
        (MP3, "audio/mpeg", AttachmentKind.AUDIO),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav", AttachmentKind.AUDIO),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", "audio/mp4", AttachmentKind.AUDIO),
        (b"#!AMR\n" + b"\x00" * 8, "audio/amr", AttachmentKind.AUDIO),
    ],
)
def test_the_type_is_recognised_from_the_content(data, mime, kind):
    assert attachments.sniff(data) == (mime, kind)


def test_a_renamed_program_or_an_empty_file_is_refused_with_its_name():
    with pytest.raises(ValidationError) as err:
        attachments.check_uploads(
            [
                Upload("扫描件.pdf", b"MZ\x90\x00 a windows program"),
                Upload("空.pdf", b""),
                Upload("好.jpg", JPEG),
            ]
        )
    message = err.value.errors["attachments"]
    assert "“扫描件.pdf”不是支持的文件类型" in message
    assert "“空.pdf”是空文件。" in message
    assert "好.jpg" not in message


def test_the_size_limit_is_twenty_megabytes_and_named_in_the_message():
    with pytest.raises(ValidationError) as err:
        attachments.check_uploads([Upload("录音.mp3", MP3 + b"\x00" * (20 * 1024 * 1024))])
    assert err.value.message == "“录音.mp3”超过 20 MB，请压缩或拆分后上传。"


def test_at_most_ten_files_at_a_time():
    with pytest.raises(ValidationError) as err:
        attachments.check_uploads([Upload(f"{n}.pdf", PDF) for n in range(11)])
    assert err.value.message == "一次最多上传 10 个附件。"


def test_folders_and_control_characters_are_dropped_from_the_name():
    assert attachments.clean_filename("C:\\scans\\..\\信访件\x07.pdf") == "信访件.pdf"
    assert attachments.clean_filename("a/b/../../etc/passwd") == "passwd"
    assert len(attachments.clean_filename("长" * 300 + ".pdf")) == 200


def test_the_same_bytes_are_stored_once_under_their_sha256(session, _data_dir):
    registrar = make_user(session, Role.REGISTRAR)
    first, second = register(session, registrar), register(session, registrar)
    attachments.add_to_case(session, registrar, first.id, [Upload("信.pdf", PDF), Upload("again.pdf", PDF)])
    attachments.add_to_case(session, registrar, second.id, [Upload("copy.pdf", PDF)])
    sha = hashlib.sha256(PDF).hexdigest()
    stored = [p for p in (_data_dir / "attachments").rglob("*") if p.is_file()]
    assert stored == [_data_dir / "attachments" / sha[:2] / sha]
    assert stored[0].read_bytes() == PDF
    rows = session.exec(select(Attachment).order_by(Attachment.id)).all()
    assert [(r.case_id, r.filename, r.sha256, r.size, r.mime_type) for r in rows] == [
        (first.id, "信.pdf", sha, len(PDF), "application/pdf"),  # the same file twice on one case: one row
        (second.id, "copy.pdf", sha, len(PDF), "application/pdf"),
    ]
    events = session.exec(select(CaseEvent).where(CaseEvent.action == "attachment.add")).all()
    assert [e.case_id for e in events] == [first.id, second.id]


def test_a_refused_file_writes_nothing(session, _data_dir):
    registrar = make_user(session, Role.REGISTRAR)
    case = register(session, registrar)
    with pytest.raises(ValidationError):
        attachments.add_to_case(
            session, registrar, case.id, [Upload("ok.pdf", PDF), Upload("bad.exe", b"MZ")]
        )
    assert session.exec(select(Attachment)).all() == []
    assert not (_data_dir / "attachments").exists()


def test_an_accusation_s_material_is_confidential_and_kept_from_the_accused_unit(session):
    registrar = make_user(session, Role.REGISTRAR)
    case = register(
        session, registrar, category=Category.ACCUSATION, subject="discipline", title="举报某干部"
    )
    [row] = attachments.add_to_case(session, registrar, case.id, [Upload("证据.jpg", JPEG)])
    assert row.confidential is True and row.kind == AttachmentKind.PHOTO
    got, data = attachments.read(session, registrar, row.id)
    assert (got.id, data) == (row.id, JPEG)
    outsider = make_user(session, Role.HANDLER)
    with pytest.raises(NotFound):
        attachments.read(session, outsider, row.id)


def test_only_roles_that_work_on_cases_may_attach(session):
    case = register(session)
    supervisor = make_user(session, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        attachments.add_to_case(session, supervisor, case.id, [Upload("x.pdf", PDF)])
