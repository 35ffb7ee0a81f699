"""`bench/turn_decision.py`'s unheard splits: their files out of a pinned Debian package, fetched once."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from bench import turn_decision

pytestmark = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None or shutil.which("apt-get") is None,
    reason="needs Debian's apt and dpkg-deb",
)

SOUND = "usr/share/voices/hello.wav"
ARCHIVE = "usr/share/game/base.wz"
INNER = "audio/tutorial/tut1.ogg"


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package with a sound and a zip archive holding another, in a local Debian repository that
    the real `apt-get` reads (through `APT_CONFIG`, as any apt configuration is given)."""
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
    repo = tmp_path / "repo"
    repo.mkdir()
    deb = repo / "voices_1.0-1_all.deb"
    subprocess.run(
        ["dpkg-deb", "--build", "--root-owner-group", str(root), str(deb)], check=True, capture_output=True
    )
    data = deb.read_bytes()
    (repo / "Packages").write_text(
        "Package: voices\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@example.org>\n"
        f"Filename: ./{deb.name}\nSize: {len(data)}\nSHA256: {hashlib.sha256(data).hexdigest()}\n"
        "Description: t\n\n"
    )
    apt = tmp_path / "apt"
    for folder in ("lists/partial", "cache/archives/partial"):
        (apt / folder).mkdir(parents=True)
    (apt / "status").touch()
    (apt / "sources.list").write_text(f"deb [trusted=yes] file:{repo} ./\n")
    config = apt / "apt.conf"
    config.write_text(
        f'Dir::Etc::SourceList "{apt}/sources.list";\nDir::Etc::SourceParts "{apt}/none";\n'
        f'Dir::State::Lists "{apt}/lists";\nDir::Cache "{apt}/cache";\nDir::State::status "{apt}/status";\n'
    )
    monkeypatch.setenv("APT_CONFIG", str(config))
    subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
    return repo


def test_the_files_used_are_kept_and_the_archive_is_not(tmp_path: Path, repository: Path) -> None:
    cache = tmp_path / "cache"
    folder = turn_decision._package_files(cache, "voices=1.0-1", {(SOUND, None), (ARCHIVE, INNER)})
    assert (folder / SOUND).read_bytes() == b"hello"
    assert (folder / INNER).read_bytes() == b"tutorial"
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == sorted(
        [SOUND, INNER]
    )
    (repository / "voices_1.0-1_all.deb").unlink()  # the second time from the cache
    assert turn_decision._package_files(cache, "voices=1.0-1", {(SOUND, None)}) == folder


def test_a_missing_file_or_version_says_which(tmp_path: Path, repository: Path) -> None:
    with pytest.raises(SystemExit, match=re.escape("holds no usr/share/voices/bye.wav")):
        turn_decision._package_files(tmp_path, "voices=1.0-1", {("usr/share/voices/bye.wav", None)})
    with pytest.raises(SystemExit, match="apt-get download failed"):
        turn_decision._package_files(tmp_path, "voices=2.0-1", {(SOUND, None)})
