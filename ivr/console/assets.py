"""The console's vendored front-end files (htmx, Chart.js from npm, never a CDN): where they are, and a start-up
check that stops with one line naming the setup command when they are missing."""

from __future__ import annotations

from pathlib import Path

from ivr.console.config import ConsoleSettings

STATIC = Path(__file__).parent / "static"
DEFAULT_VENDOR = STATIC / "vendor"
# what scripts/setup.d/60-console.sh copies out of node_modules (package-lock.json in ivr/console/npm pins them)
VENDOR_FILES = ("htmx.min.js", "chart.umd.min.js")
SETUP_COMMAND = "bash scripts/setup.sh 60-console"


class ConsoleAssetsMissing(RuntimeError):
    """The vendored scripts are not installed; the message is one line naming the command that installs them
    (`ivr serve` prints just that line and exits 1)."""


def vendor_dir(cfg: ConsoleSettings) -> Path:
    return cfg.vendor_dir or DEFAULT_VENDOR


def check_vendor(cfg: ConsoleSettings) -> Path:
    """The vendor folder, or ConsoleAssetsMissing naming what is missing and the command that installs it."""
    folder = vendor_dir(cfg)
    missing = [name for name in VENDOR_FILES if not (folder / name).is_file() or (folder / name).stat().st_size == 0]
    if missing:
        raise ConsoleAssetsMissing(
            f"staff console: {', '.join(missing)} missing in {folder}: run `{SETUP_COMMAND}` "
            "(or set IVR_CONSOLE__VENDOR_DIR, or IVR_CONSOLE__ENABLED=false to leave the console out)")
    return folder
