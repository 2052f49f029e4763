"""Scratch folders: a dead process's are swept by the next of their kind, a running process's are kept."""

from __future__ import annotations

import subprocess
import sys

from core.platform import scratch


def test_a_folder_is_swept_only_once_its_process_is_gone(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(scratch.tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = [
            f"petition-desk-import-{dead.stdout.strip()}-abc_12",  # its process has ended
            f"petition-desk-import-{running.pid}-def_34",  # an import waiting for its confirmation
            f"petition-desk-backup-{dead.stdout.strip()}-ghi_56",  # another kind: its own sweep's
            "petition-desk-import-xyz_78",  # a folder not named by its process: not ours to judge
        ]
        for name in names:
            (tmp_path / name).mkdir()
            (tmp_path / name / "rows.pickle").write_bytes(b"staged")

        made = scratch.folder("import")

        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[1:], made.name])
        assert made.name.startswith(f"petition-desk-import-{scratch.os.getpid()}-")
    finally:
        running.kill()
        running.wait()
