"""Download, verify and unpack ASR models into models_dir (`ivr models install vosk LANG`).

Users fetch the Vosk model for their language once; the download is streamed with a progress bar, checked against
a SHA-256 when one is given, unpacked with path-traversal and symlink checks into a staging directory next to the
target, and moved into place with one rename so a half-installed model is never visible to the recogniser.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import httpx
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

import languages
from speech.asr.config import pack_asr
from speech.asr.vosk_engine import is_vosk_model

CHUNK = 1 << 16
# Refuse archives that would unpack to more than this (a zip bomb, or the wrong file): the largest Vosk models
# (e.g. vosk-model-en-us-0.42-gigaspeech) unpack to ~5 GB.
MAX_UNPACKED_BYTES = 8 << 30
ALPHACEPHEI = "https://alphacephei.com/vosk/models/"


@dataclass(frozen=True, slots=True)
class KnownModel:
    lang: str
    name: str
    size_mb: int  # download size as listed on the model page
    sha256: str | None = None  # the model page publishes no checksums; pass --sha256 to pin one

    @property
    def url(self) -> str:
        return f"{ALPHACEPHEI}{self.name}.zip"


def _pack_vosk() -> tuple[dict[str, KnownModel], dict[str, str]]:
    """Each language pack's Vosk model (pack.yml `asr.vosk_model: {name, size_mb}`, regional ones in
    `asr.vosk_regional_models: {region: {name, size_mb}}`, installed as "<code>-<region>") or why it has none
    (`asr.no_vosk_model`)."""
    known: dict[str, KnownModel] = {}
    missing: dict[str, str] = {}
    for code in languages.codes():
        asr = pack_asr(code)
        model = asr.get("vosk_model")
        if isinstance(model, dict) and model.get("name"):
            known[code] = KnownModel(code, str(model["name"]), int(model.get("size_mb") or 0))
            for region, m in (asr.get("vosk_regional_models") or {}).items():
                key = f"{code}-{str(region).lower()}"
                known[key] = KnownModel(key, str(m["name"]), int(m.get("size_mb") or 0))
        elif asr.get("no_vosk_model"):
            missing[code] = " ".join(str(asr["no_vosk_model"]).split())
    return known, missing


_PACK_MODELS, _PACK_MISSING = _pack_vosk()
# Small (telephony-friendly, ~300 MB RAM) models from the Vosk model list: each installed pack's, and a few more
# (Korean for the tests' real Vosk model, French).
KNOWN_VOSK_MODELS: dict[str, KnownModel] = {
    **_PACK_MODELS,
    **{m.lang: m for m in (
        KnownModel("ko", "vosk-model-small-ko-0.22", 82),
        KnownModel("fr", "vosk-model-small-fr-0.22", 41),
    ) if m.lang not in _PACK_MODELS},
}
# Languages with no Vosk model at all: say so instead of failing on a 404.
NO_VOSK_MODEL: dict[str, str] = {
    "lg": "there is no Luganda Vosk model on the Vosk model list; pass --url to a model you trained",
    **_PACK_MISSING,
}


class ModelInstallError(RuntimeError):
    """The model could not be installed; nothing was left half-written."""


def known_url(lang: str) -> KnownModel:
    if lang in KNOWN_VOSK_MODELS:
        return KNOWN_VOSK_MODELS[lang]
    why = NO_VOSK_MODEL.get(lang, f"no built-in Vosk model URL for '{lang}'; pass --url")
    raise ModelInstallError(f"{why} (built-in: {', '.join(sorted(KNOWN_VOSK_MODELS))})")


def _progress(show: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        disable=not show,
    )


@contextmanager
def _source(url: str, client: httpx.Client | None) -> Iterator[tuple[int | None, Iterator[bytes]]]:
    """(total bytes or None, chunk iterator) for file:// (read directly: httpx has no file transport) or HTTP(S)."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        path = Path(url2pathname(unquote(parsed.path)))
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise ModelInstallError(f"cannot read {url}: {exc.strerror or exc}") from exc
        with fh:
            yield path.stat().st_size, iter(lambda: fh.read(CHUNK), b"")
        return
    if parsed.scheme not in ("http", "https"):
        raise ModelInstallError(f"unsupported URL scheme in {url!r} (use https://, http:// or file://)")
    own = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(30.0, read=60.0), follow_redirects=True)
    try:
        with http.stream("GET", url) as resp:
            if resp.status_code != 200:
                raise ModelInstallError(f"download of {url} failed: HTTP {resp.status_code}")
            length = resp.headers.get("content-length")
            yield (int(length) if length and length.isdigit() else None), resp.iter_bytes(CHUNK)
    except httpx.HTTPError as exc:
        raise ModelInstallError(f"download of {url} failed: {exc}") from exc
    finally:
        if own:
            http.close()


def download(url: str, dest: Path, *, show_progress: bool = True, client: httpx.Client | None = None) -> str:
    """Stream ``url`` to ``dest``; returns the SHA-256 hex digest of what was written."""
    digest = hashlib.sha256()
    with _source(url, client) as (total, chunks), dest.open("wb") as out, _progress(show_progress) as bar:
        task = bar.add_task(f"downloading {PurePosixPath(urlparse(url).path).name}", total=total)
        for chunk in chunks:
            out.write(chunk)
            digest.update(chunk)
            bar.advance(task, len(chunk))
    return digest.hexdigest()


def safe_extract(archive: Path, target: Path) -> None:
    """Unpack a zip refusing absolute paths, `..`, symlinks and oversize content."""
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise ModelInstallError(f"the download is not a zip archive ({exc})") from exc
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED_BYTES:
            cap = MAX_UNPACKED_BYTES >> 20
            raise ModelInstallError(f"archive would unpack to {total >> 20} MB, over the {cap} MB cap")
        root = target.resolve()
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = PurePosixPath(name).parts
            if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                raise ModelInstallError(f"unsafe path in archive: {info.filename!r}")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ModelInstallError(f"archive contains a symlink: {info.filename!r}")
            dest = (root / name).resolve()
            if dest != root and root not in dest.parents:
                raise ModelInstallError(f"unsafe path in archive: {info.filename!r}")
        zf.extractall(root)


def _model_root(unpacked: Path) -> Path:
    if is_vosk_model(unpacked):
        return unpacked
    children = [p for p in unpacked.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    if len(children) == 1 and children[0].is_dir() and is_vosk_model(children[0]):
        return children[0]
    raise ModelInstallError("the archive holds no Vosk model (expected am/final.mdl and conf/model.conf)")


def _check_sha(sha256: str | None) -> str | None:
    if sha256 is None:
        return None
    value = sha256.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise ModelInstallError(f"--sha256 must be 64 hex digits, got {sha256!r}")
    return value


def install_vosk_model(
    lang: str,
    models_dir: Path,
    *,
    url: str | None = None,
    sha256: str | None = None,
    force: bool = False,
    show_progress: bool = True,
    client: httpx.Client | None = None,
) -> Path:
    """Install the Vosk model for ``lang`` into ``models_dir/vosk/<lang>``; returns that directory."""
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", lang):
        raise ModelInstallError(f"language must be a code like 'en' or 'en-in', got {lang!r}")
    expected = _check_sha(sha256)
    if url is None:
        known = known_url(lang)
        url, expected = known.url, expected or known.sha256
    base = models_dir / "vosk"
    dest = base / lang
    if dest.exists() and not force:
        raise ModelInstallError(f"a model is already installed at {dest}; pass --force to replace it")
    base.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{lang}-", dir=base))  # same filesystem: rename is atomic
    try:
        archive = staging / "download.zip"
        actual = download(url, archive, show_progress=show_progress, client=client)
        if expected is not None and actual != expected:
            raise ModelInstallError(f"checksum mismatch for {url}: expected {expected}, got {actual}")
        unpacked = staging / "unpacked"
        unpacked.mkdir()
        safe_extract(archive, unpacked)
        root = _model_root(unpacked)
        record = {"url": url, "sha256": actual, "verified": expected is not None,
                  "installed_at": datetime.now(UTC).isoformat(timespec="seconds")}
        (root / "INSTALLED.json").write_text(json.dumps(record, indent=2))
        if dest.exists():
            os.replace(dest, staging / "previous")
        os.replace(root, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest
