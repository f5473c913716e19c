#!/bin/sh
# Render the MiKashBoks configs (mounted read-only at /etc/asterisk/mikashboks) into /etc/asterisk, replacing the
# @NAME@ placeholders from the environment, then run Asterisk in the foreground. Refuses to start with a missing
# value, so a deployment can never run with a placeholder secret.
set -eu
SRC=${ASTERISK_CONFIG_SRC:-/etc/asterisk/mikashboks}
DST=${ASTERISK_CONFIG_DST:-/etc/asterisk}
NAMES="AMI_SECRET CONTROLLER_URL AUDIOSOCKET_ADDR REGISTER_TOKEN TRUNK_HOST TRUNK_USER TRUNK_PASSWORD PHONE_PASSWORD"
script=""
for name in $NAMES; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then echo "asterisk: environment variable $name is not set" >&2; exit 1; fi
  case "$value" in *"
"*) echo "asterisk: $name must be a single line" >&2; exit 1 ;; esac
  # the token ends up as a res_curl.conf value, where ';' would start a comment and cut it short
  if [ "$name" = REGISTER_TOKEN ]; then
    case "$value" in *";"*) echo "asterisk: REGISTER_TOKEN must not contain ';'" >&2; exit 1 ;; esac
  fi
  # escape sed replacement metacharacters (| is our delimiter, & is "the match", \ escapes)
  escaped=$(printf '%s' "$value" | sed -e 's/[|&\\]/\\&/g')
  script="${script}s|@${name}@|${escaped}|g
"
done
rules=$(mktemp)
trap 'rm -f "$rules"' EXIT
printf '%s' "$script" > "$rules"
for f in "$SRC"/*.conf; do
  sed -f "$rules" "$f" > "$DST/$(basename "$f")"
done
left=$(grep -l '@[A-Z_][A-Z_]*@' "$DST"/*.conf || true)
if [ -n "$left" ]; then
  echo "asterisk: unreplaced @PLACEHOLDER@ left in: $left" >&2
  exit 1
fi
rm -f "$rules"
[ "${ASTERISK_RENDER_ONLY:-}" = 1 ] && exit 0
exec asterisk -f -vvv
