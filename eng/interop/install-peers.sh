#!/usr/bin/env bash
# Installs the OpenPGP implementations the SOP interop matrix (run.sh) and the comparison benchmark
# (benchmarks/compare.sh) run against, then prints what is installed. Safe to run again: it installs only what is
# missing.
#
#   Debian packages: gnupg (gpg), rnp, sqop (Sequoia), gosop (GopenPGP), pgpainless-cli (PGPainless, Bouncy Castle),
#                    and node, npm and python3 when missing
#   npm package:     openpgp (OpenPGP.js), into eng/interop/.node (ignored by git); where that folder cannot be
#                    written, into ${XDG_CACHE_HOME:-~/.cache}/cryptomail-interop/node. OPENPGPJS_DIR overrides both.
#
# Usage: eng/interop/install-peers.sh [--no-apt] [--no-npm]
# Environment: OPENPGPJS_VERSION (default 6.3.2).
set -euo pipefail

INTEROP="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$INTEROP/lib.sh"
OPENPGPJS_VERSION="${OPENPGPJS_VERSION:-6.3.2}"
apt=1 npm=1
for arg in "$@"; do
  case "$arg" in
    --no-apt) apt=0 ;;
    --no-npm) npm=0 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-peers.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

if [ "$apt" = 1 ]; then
  missing=()
  for p in gnupg rnp sqop gosop pgpainless-cli; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # node and npm may come from elsewhere than Debian: only ask for them when the commands are missing.
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  command -v python3 >/dev/null || missing+=(python3)   # run.sh computes fingerprints with it
  if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    echo "apt-get install ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if [ "$npm" = 1 ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "node or npm is missing: OpenPGP.js cannot be installed (peer openpgpjs unavailable)" >&2
  else
    dir="$(openpgpjs_dir install)"
    have="$(openpgpjs_version "$dir")"
    if [ "$have" = "$OPENPGPJS_VERSION" ]; then
      echo "OpenPGP.js $have already in $dir"
    else
      echo "npm install openpgp@$OPENPGPJS_VERSION into $dir"
      mkdir -p "$dir"
      # A plain folder of modules, not a project: no package.json, no lock file.
      npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
        "openpgp@$OPENPGPJS_VERSION" >/dev/null
    fi
  fi
fi

echo
echo "peers:"
for peer in "${ALL_PEERS[@]}"; do
  if cmd="$(peer_command "$peer")"; then
    printf '  %-11s %s\n' "$peer" "$(bash -c "$cmd version" 2>/dev/null | sed -n 1p)"
  else
    printf '  %-11s (not installed)\n' "$peer"
  fi
done
echo "also used by the tests and benchmarks:"
for tool in gpg rnp; do
  if command -v "$tool" >/dev/null; then printf '  %-11s %s\n' "$tool" "$("$tool" --version 2>/dev/null | sed -n 1p)"; fi
done
