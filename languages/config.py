"""Settings section for language packs (section `languages`, env IVR_LANGUAGES__*): where packs are found."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class LanguageSettings(BaseModel):
    """Extra folders of language packs, besides the built-in languages/ folder."""

    # Folders whose sub-folders are language packs (each with a pack.yml), e.g. '["/srv/ivr/languages"]': a local
    # team's language without a code change. Read by the registry (languages.packs()) from the environment at its
    # first use, because prompt catalogs and NLU word lists are built when their modules load, before Settings.
    dirs: list[Path] = Field(default_factory=list)
