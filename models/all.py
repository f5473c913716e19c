"""Registry that imports every model module in models/, so Base.metadata is complete (Alembic, key rotation)."""

from __future__ import annotations

import importlib
import pkgutil

import models
from models.base import Base

# Modules that define no tables (or import Alembic/CLI machinery) are skipped; everything else is imported, so a
# table added in a new module is covered by migrations checks and by `ivr keys rotate` without editing this file.
_NOT_MODELS = {"all", "base", "crypto", "migrate", "migrations", "rotation"}


def load_all() -> list[str]:
    """Import every model module; returns their names (sorted)."""
    names = []
    for info in pkgutil.iter_modules(models.__path__):
        if info.name in _NOT_MODELS or info.name.startswith("_") or info.ispkg:
            continue
        importlib.import_module(f"models.{info.name}")
        names.append(f"models.{info.name}")
    return sorted(names)


MODULES = load_all()
metadata = Base.metadata
