"""The voice app's static bundle is self-consistent: everything it references exists, offline."""

from __future__ import annotations

import json
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from realtalk.web import STATIC_DIR

ROOT_FILES = {"/manifest.webmanifest", "/sw.js", "/offline.html"}
PAGES = ["index.html", "offline.html", "operator.html"]
IMPORT = re.compile(
    r"""(?:\bimport|\bexport)\s[^"'`;]*?\bfrom\s*["']([^"']+)["']"""  # import x from "y", export ... from
    r"""|\bimport\s*\(?\s*["']([^"']+)["']"""  # import "y", import("y")
)


class _Refs(HTMLParser):
    """Collects the URLs a page loads and the ids it defines."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("src", "href"):
            url = values.get(name)
            if url and not (tag == "a" and url.startswith("#")):
                self.urls.append(url)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def _parse(page: str) -> _Refs:
    refs = _Refs()
    refs.feed((STATIC_DIR / page).read_text(encoding="utf-8"))
    return refs


def _file_for(url: str) -> Path:
    """Where the server's routes (the web contract) find the file for a same-origin URL."""
    assert not re.match(r"^[a-z]+:|^//", url), f"{url} is not same-origin: the app must work offline"
    if url in ROOT_FILES:
        return STATIC_DIR / url.lstrip("/")
    assert url.startswith("/static/"), f"{url} is neither a root file nor under /static/"
    return STATIC_DIR / url.removeprefix("/static/")


def _shell() -> list[str]:
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert block, "sw.js has no SHELL list"
    return re.findall(r'"([^"]+)"', block.group(1))


@pytest.mark.parametrize("page", PAGES)
def test_every_file_a_page_loads_exists(page: str) -> None:
    refs = _parse(page)
    assert refs.urls, f"{page} references nothing"
    for url in refs.urls:
        assert _file_for(url).is_file(), f"{page} loads {url}, which is missing"


def test_the_service_worker_precaches_the_whole_shell() -> None:
    shell = _shell()
    for url in shell:
        assert _file_for(url).is_file(), f"sw.js precaches {url}, which is missing"
    # Every script and style the app can load must be in the shell, or the installed app breaks offline.
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.suffix in {".js", ".css"} and path.name != "sw.js":
            url = "/static/" + path.relative_to(STATIC_DIR).as_posix()
            assert url in shell, f"{url} is not in sw.js's SHELL list"
    for page in PAGES:
        for url in _parse(page).urls:
            assert url in shell, f"{page} loads {url}, which sw.js does not precache"


def test_module_imports_resolve_to_files() -> None:
    modules = sorted(STATIC_DIR.rglob("*.js"))
    assert len(modules) > 5
    seen = 0
    for module in modules:
        for match in IMPORT.finditer(module.read_text(encoding="utf-8")):
            spec = match.group(1) or match.group(2)
            assert spec.startswith(("./", "../")), f"{module.name} imports {spec!r}: only relative ones work"
            assert (module.parent / spec).resolve().is_file(), f"{module.name} imports missing {spec}"
            seen += 1
    assert seen > 10, "the import scanner found almost nothing: is the pattern still right?"


def _ids_used(module: Path) -> set[str]:
    return set(re.findall(r'getElementById\("([\w-]+)"\)', module.read_text(encoding="utf-8")))


def test_ids_the_scripts_and_docs_use_exist_in_the_pages() -> None:
    offline_script = STATIC_DIR / "js" / "offline.js"
    assert _ids_used(offline_script) <= _parse("offline.html").ids
    refs = _parse("index.html")
    used = set()
    for module in (STATIC_DIR / "js").rglob("*.js"):
        if module != offline_script:
            used |= _ids_used(module)
    documented = set(re.findall(r"#([a-z][\w-]*)", refs.comments[0]))
    assert {
        "talk",
        "status",
        "turn-indicator",
        "captions",
        "latency",
        "tool-cards",
        "text-input",
        "send",
        "image-input",
        "settings",
        "error",
        "door",
    } <= documented
    for element_id in sorted(used | documented):
        assert element_id in refs.ids, f"#{element_id} is used or documented but not in index.html"


def _png_size(path: Path) -> str:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return f"{width}x{height}"


def test_the_manifest_makes_an_installable_app() -> None:
    manifest = json.loads((STATIC_DIR / "manifest.webmanifest").read_text(encoding="utf-8"))
    for field in ("name", "short_name", "start_url", "display", "icons", "background_color", "theme_color"):
        assert manifest.get(field), f"manifest lacks {field}"
    assert manifest["display"] in {"standalone", "fullscreen", "minimal-ui"}
    png_sizes = set()
    for icon in manifest["icons"]:
        path = _file_for(icon["src"])
        assert path.is_file(), f"manifest icon {icon['src']} is missing"
        if icon["type"] == "image/png":
            assert _png_size(path) == icon["sizes"], f"{icon['src']} is not {icon['sizes']}"
            png_sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= png_sizes, "installable apps need 192 and 512 px PNG icons"
    assert any("maskable" in icon.get("purpose", "") for icon in manifest["icons"])


def test_vendored_libraries_ship_with_their_licenses() -> None:
    vendor = STATIC_DIR / "vendor"
    libraries = {"marked.esm.js": "LICENSE.marked.md", "purify.es.js": "LICENSE.dompurify"}
    for library, license_file in libraries.items():
        assert (vendor / library).is_file()
        assert (vendor / license_file).read_text(encoding="utf-8").strip(), f"{license_file} is empty"
