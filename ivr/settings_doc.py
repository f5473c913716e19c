"""Documents every setting (env name, default, the comment above its field) so the README table never drifts."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, SecretStr

FIELD_LINE = re.compile(r"^\s+(\w+)\s*:")


@dataclass(frozen=True)
class SettingDoc:
    env: str
    default: str
    doc: str


def _field_comments(model: type[BaseModel]) -> dict[str, str]:
    """The `# ...` comment lines directly above each field in the class source (that is where we document them)."""
    comments: dict[str, str] = {}
    pending: list[str] = []
    for line in inspect.getsource(model).splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        match = FIELD_LINE.match(line)
        if match and match.group(1) in model.model_fields:
            inline = line.split("  # ", 1)[1].strip() if "  # " in line else ""
            comments[match.group(1)] = " ".join([*pending, inline]).strip()
        pending = []
    return comments


def _default(value: object) -> str:
    if isinstance(value, SecretStr):
        return "(secret; generated in development)" if not value.get_secret_value() else "(secret)"
    if isinstance(value, list) and not value:
        return "[]"
    return str(value) if not isinstance(value, str) else (value or '""')


def iter_settings(model: type[BaseModel], prefix: str = "IVR_") -> Iterator[SettingDoc]:
    comments = _field_comments(model)
    for name, field in model.model_fields.items():
        env = prefix + name.upper()
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from iter_settings(ann, env + "__")
            continue
        default = field.get_default(call_default_factory=True)
        if isinstance(default, list) and default and isinstance(default[0], SecretStr):
            shown = "(secrets)"
        else:
            shown = _default(default)
        doc = field.description or comments.get(name, "")
        yield SettingDoc(env, shown, doc)


def markdown_table(model: type[BaseModel]) -> str:
    rows = ["| setting | default | what it does |", "|---|---|---|"]
    for s in iter_settings(model):
        doc = s.doc.replace("|", "\\|")
        default = s.default.replace("|", "\\|")
        rows.append(f"| `{s.env}` | `{default}` | {doc} |")
    return "\n".join(rows)
