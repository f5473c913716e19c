# Shared helpers for setup steps (sourced, not run): stamps so a step is skipped when its inputs are unchanged.
stamp_dir="$ROOT/var/stamps"
mkdir -p "$stamp_dir"
# stamp_ok NAME HASH -> 0 when the step already ran with these inputs
stamp_ok() { [ -f "$stamp_dir/$1" ] && [ "$(cat "$stamp_dir/$1")" = "$2" ]; }
stamp_set() { echo "$2" > "$stamp_dir/$1"; }
hash_files() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
apt_install() {
  # apt_install PKG... : installs only the packages that are missing
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "apt: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
