"""`ivr keys`: rotate the PII encryption key (re-encrypting every column and recording file) and retire old keys."""

from __future__ import annotations

import getpass
import hashlib
import json

import typer
from cryptography.fernet import Fernet
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ivr.cli.common import settings_of
from ivr.secrets import read_secrets_file, write_secrets_file
from ivr.settings import Settings
from models import audit
from models.base import make_sessionmaker
from models.crypto import KeyRing, install_keyring, keyring_from_settings
from models.migrate import current_revisions, engine_for, head_revisions
from models.recording_store import RecordingStore
from models.rotation import DEFAULT_BATCH, not_under_primary, rotate_all

app = typer.Typer(no_args_is_help=True, help="PII encryption keys (phones, names, transcripts, recordings).")
console = Console()
ENV_NAME = "IVR_SECURITY__ENCRYPTION_KEYS"
PENDING = "rotation_pending"


def fingerprint(key: str) -> str:
    """A short, non-secret name for a key (safe to print and to audit)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def _configured(settings: Settings) -> list[str]:
    return [k.get_secret_value() for k in settings.security.encryption_keys]


def _file_managed(settings: Settings) -> bool:
    """Development keys that live in the secrets file (so this command may rewrite them)."""
    stored = read_secrets_file(settings).get("encryption_keys")
    return settings.env == "development" and stored == _configured(settings)


def _save_keys(settings: Settings, keys: list[str], *, pending: bool) -> None:
    data = read_secrets_file(settings)
    data["encryption_keys"] = keys
    data[PENDING] = pending
    write_secrets_file(settings, data)


def _env_line(keys: list[str]) -> str:
    return f"{ENV_NAME}='{json.dumps(keys)}'"


def _require_migrated(settings: Settings) -> None:
    engine = engine_for(settings)
    try:
        behind = current_revisions(engine) != head_revisions()
    finally:
        engine.dispose()
    if behind:
        console.print("the IVR database is not at the newest migration: run `ivr db upgrade` first")
        raise typer.Exit(1)


def _audit(settings: Settings, action: str, subject: str, reason: str) -> None:
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine)() as session:
            audit.record(session, actor=f"cli:{getpass.getuser()}", action=action, subject_type="keyring",
                         subject_id=subject, reason=reason)
            session.commit()
    finally:
        engine.dispose()


def _run_rotation(settings: Settings, ring: KeyRing, batch_size: int) -> None:
    engine = engine_for(settings)
    tasks: dict[str, TaskID] = {}
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as bar:
            def progress(kind: str, advanced: int, total: int) -> None:
                if kind not in tasks:
                    tasks[kind] = bar.add_task(kind, total=total)
                bar.advance(tasks[kind], advanced)

            report = rotate_all(engine, ring, RecordingStore.from_settings(settings, ring), batch_size=batch_size,
                                progress=progress)
    finally:
        engine.dispose()
    console.print(f"re-encrypted {report.values_rewritten} of {report.values_checked} values and "
                  f"{report.files_rewritten} of {report.files_checked} recording files "
                  f"under key {fingerprint(ring.keys[0])}")


@app.command("rotate")
def rotate(
    ctx: typer.Context,
    new_key: str = typer.Option("", "--new-key", help="Fernet key to make primary (generated in development)."),
    resume: bool = typer.Option(False, "--resume", help="Add no key: re-encrypt under the current primary key."),
    confirm: bool = typer.Option(False, "--confirm", help="Required outside development before data is touched."),
    batch_size: int = typer.Option(DEFAULT_BATCH, "--batch-size", min=1, help="Rows per committed batch."),
    reason: str = typer.Option("scheduled key rotation", "--reason", help="Recorded in the audit trail."),
) -> None:
    """Make a new key primary and re-encrypt every encrypted column and recording file under it.

    Development (keys in the secrets file): a new key is generated and saved first, then everything is re-encrypted.

    An interrupted run resumes when the command is run again (finished batches and files are skipped).

    Elsewhere the operator owns the key list: without --confirm this prints a new key list to set and changes nothing.

    Safest order: set the printed list (new key first) on every process, then `ivr keys rotate --resume --confirm`.

    `--new-key K --confirm` re-encrypts under K directly; set the printed list right after.

    Afterwards `ivr keys retire` drops the old keys once nothing needs them.
    """
    settings = settings_of(ctx)
    _require_migrated(settings)
    current = _configured(settings)
    if new_key:
        try:
            Fernet(new_key.encode())
        except ValueError as exc:
            raise typer.BadParameter("not a Fernet key (32 url-safe base64-encoded bytes)", param_hint="--new-key") \
                from exc
    if _file_managed(settings):
        if resume or (read_secrets_file(settings).get(PENDING) and not new_key):
            keys = current
            console.print(f"resuming rotation under key {fingerprint(keys[0])}")
        else:
            keys = [new_key or Fernet.generate_key().decode(), *current]
            _save_keys(settings, keys, pending=True)  # saved before any data moves, so a crash loses no key
            console.print(f"new primary key {fingerprint(keys[0])} saved to {settings.security.secrets_file}")
    else:
        if not confirm:
            suggested = [new_key or Fernet.generate_key().decode(), *current]
            typer.echo("keys are managed outside this machine's secrets file; nothing was changed.\n"
                       f"1. set on every process:\n   {_env_line(suggested)}\n"
                       "2. then run: ivr keys rotate --resume --confirm")
            raise typer.Exit(1)
        keys = current if (resume or not new_key) else [new_key, *current]
    ring = keyring_from_settings(settings).with_keys(keys)
    _run_rotation(settings, ring, batch_size)
    if _file_managed_after(settings, keys):
        _save_keys(settings, keys, pending=False)
    elif keys != current:
        typer.echo(f"now set on every process:\n   {_env_line(keys)}")
    install_keyring(ring)
    _audit(settings, "keys.rotate", fingerprint(keys[0]), reason)


def _file_managed_after(settings: Settings, keys: list[str]) -> bool:
    return settings.env == "development" and read_secrets_file(settings).get("encryption_keys") == keys


@app.command("retire")
def retire(
    ctx: typer.Context,
    reason: str = typer.Option("old keys retired after rotation", "--reason", help="Recorded in the audit trail."),
) -> None:
    """Drop every key but the primary, after checking that the primary alone reads every value and file."""
    settings = settings_of(ctx)
    _require_migrated(settings)
    keys = _configured(settings)
    ring = keyring_from_settings(settings)
    engine = engine_for(settings)
    try:
        left = not_under_primary(engine, ring.with_keys(keys[:1]), RecordingStore.from_settings(settings, ring))
    finally:
        engine.dispose()
    if left.total:
        detail = ", ".join(f"{t}: {n}" for t, n in left.values.items())
        console.print(f"refused: {left.total} values/files still need an old key ({detail or ''} files: "
                      f"{left.files}); run `ivr keys rotate --resume` first")
        raise typer.Exit(1)
    if len(keys) == 1:
        console.print(f"only the primary key {fingerprint(keys[0])} is configured; nothing to retire")
        return
    retired = ", ".join(fingerprint(k) for k in keys[1:])
    if _file_managed(settings):
        _save_keys(settings, keys[:1], pending=False)
        console.print(f"retired keys {retired}; kept {fingerprint(keys[0])} in {settings.security.secrets_file}")
    else:
        typer.echo(f"everything reads with the primary key alone: set on every process:\n   {_env_line(keys[:1])}")
    install_keyring(ring.with_keys(keys[:1]))
    _audit(settings, "keys.retire", retired, reason)


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Show the configured key fingerprints and how much data still needs an older key."""
    settings = settings_of(ctx)
    _require_migrated(settings)
    keys = _configured(settings)
    ring = keyring_from_settings(settings)
    engine = engine_for(settings)
    try:
        left = not_under_primary(engine, ring, RecordingStore.from_settings(settings, ring))
    finally:
        engine.dispose()
    console.print("keys (primary first): " + ", ".join(fingerprint(k) for k in keys))
    console.print(f"values/files not yet under the primary key: {left.total}")
