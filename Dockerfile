# The IVR and reference-ledger image used by docker-compose.yml (`ivr serve`, `ivr ledger serve`).
# Rasa runs in its own official image (it pins old dependencies); Coqui stays out (optional, several GB).
# The staff console's front-end libraries come from the npm registry at build time (pinned by the lock file), as
# scripts/setup.d/60-console.sh does on a machine: never a CDN, nothing from the registry run.
FROM node:20-bookworm-slim AS console
WORKDIR /build
COPY ivr/console/npm/package.json ivr/console/npm/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
 && mkdir vendor \
 && cp node_modules/htmx.org/dist/htmx.min.js node_modules/chart.js/dist/chart.umd.min.js vendor/ \
 && cp node_modules/htmx.org/LICENSE vendor/htmx.LICENSE.txt \
 && cp node_modules/chart.js/LICENSE.md vendor/chart.js.LICENSE.txt

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
COPY --from=console /build/vendor ivr/console/static/vendor
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
