# The IVR and reference-ledger image used by docker-compose.yml (`ivr serve`, `ivr ledger serve`).
# Rasa runs in its own official image (it pins old dependencies); Coqui stays out (optional, several GB).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng ffmpeg sox \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY ivr ivr
COPY nlu nlu
COPY speech speech
COPY dialogs dialogs
COPY ledger_client ledger_client
COPY ledger_core ledger_core
COPY models models
RUN pip install ".[whisper,piper]"

# State (IVR database when on SQLite, prompt cache, models, recordings) lives on a volume.
ENV IVR_DATA_DIR=/var/lib/mikashboks
RUN useradd --system --home /var/lib/mikashboks mikashboks && mkdir -p /var/lib/mikashboks \
 && chown mikashboks /var/lib/mikashboks
USER mikashboks
# Relative state paths in the settings (var/...) resolve under the writable state directory.
WORKDIR /var/lib/mikashboks
EXPOSE 8000 9092
CMD ["ivr", "serve"]
