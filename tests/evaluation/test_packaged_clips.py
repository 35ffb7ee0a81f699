"""`bench/turn_decision.py`'s unheard splits: their files out of a pinned Debian package, fetched once."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from bench import turn_decision

pytestmark = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs Debian's dpkg-deb")

SOUND = "usr/share/voices/hello.wav"
ARCHIVE = "usr/share/game/base.wz"
INNER = "audio/tutorial/tut1.ogg"


@pytest.fixture
def fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """A package with a sound and a zip archive holding another, served by a stand-in `apt-get`."""
    root = tmp_path / "package"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text(
        "Package: voices\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: t\n"
    )
    (root / SOUND).parent.mkdir(parents=True)
    (root / SOUND).write_bytes(b"hello")
    (root / ARCHIVE).parent.mkdir(parents=True)
    with zipfile.ZipFile(root / ARCHIVE, "w") as archive:
        archive.writestr(INNER, b"tutorial")
        archive.writestr("audio/other.ogg", b"other")
    deb = tmp_path / "voices_1.0-1_all.deb"
    subprocess.run(
        ["dpkg-deb", "--build", "--root-owner-group", str(root), str(deb)], check=True, capture_output=True
    )
    calls: list[list[str]] = []

    def apt_get(command: list[str], cwd: Path, check: bool) -> subprocess.CompletedProcess[Any]:
        calls.append(command)
        if command[-1] != "voices=1.0-1":
            return subprocess.CompletedProcess(command, 100)
        shutil.copy(deb, cwd)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(turn_decision.subprocess, "run", apt_get)
    return calls


def test_the_files_used_are_kept_and_the_archive_is_not(tmp_path: Path, fetched: list[list[str]]) -> None:
    cache = tmp_path / "cache"
    folder = turn_decision._package_files(cache, "voices=1.0-1", {(SOUND, None), (ARCHIVE, INNER)})
    assert (folder / SOUND).read_bytes() == b"hello"
    assert (folder / INNER).read_bytes() == b"tutorial"
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == sorted(
        [SOUND, INNER]
    )
    assert turn_decision._package_files(cache, "voices=1.0-1", {(SOUND, None)}) == folder
    assert len(fetched) == 1  # the second time from the cache


def test_a_missing_file_or_version_says_which(tmp_path: Path, fetched: list[list[str]]) -> None:
    with pytest.raises(SystemExit, match=re.escape("holds no usr/share/voices/bye.wav")):
        turn_decision._package_files(tmp_path, "voices=1.0-1", {("usr/share/voices/bye.wav", None)})
    with pytest.raises(SystemExit, match="apt-get download failed"):
        turn_decision._package_files(tmp_path, "voices=2.0-1", {(SOUND, None)})
