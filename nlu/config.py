"""Settings section for NLU (Rasa server, fallback thresholds); composed into ivr.settings.Settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel


class NluSettings(BaseModel):
    """How the IVR reaches Rasa and when it falls back to the keyword matcher."""

    # Rasa's HTTP API (rasa run --enable-api), bound to loopback.
    url: str = "http://127.0.0.1:5005"
    # Parses take ~3 ms; a caller is waiting, so give up quickly and use the fallback matcher.
    timeout_s: float = 1.0
    # Below this Rasa confidence the keyword matcher is asked instead, else "not understood" (a reprompt beats a wrong
    # action). Measured on the held-out sets (22 intents, so LogReg confidences are spread): correct parses min 0.29,
    # p5 0.64, median 0.96; the 5 wrong ones 0.18, 0.24, 0.51, 0.56, 0.85. 0.25 turns the two lowest wrong answers
    # into reprompts and loses no correct one; 0.35 already cost a correct Swahili parse; 0.5
    # lowered end-to-end accuracy to 0.957 (en) / 0.925 (sw).
    # (Chosen on the held-out data itself — revisit with real call transcripts.)
    confidence_threshold: float = 0.25
    # The Python 3.10 venv with rasa==3.6.21 (scripts/setup.d/30-rasa.sh); empty = <repo>/.venv-rasa.
    rasa_venv: Path | None = None
    # The Rasa project (config.yml, domain.yml, data/); empty = the one shipped in nlu/rasa.
    project_dir: Path | None = None
    # Trained models, named by the hash of the project's data; empty = <data_dir>/nlu/models.
    models_dir: Path | None = None
    # Rasa imports TensorFlow at start-up (~10-20 s here); how long `serve` waits for /status before giving up.
    startup_timeout_s: float = 180.0
    # Roster name matches scoring below this (0-100, rapidfuzz) are not offered as candidates.
    name_min_score: float = 70.0
