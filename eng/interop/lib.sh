# Shared by install-peers.sh, run.sh and benchmarks/compare.sh (sourced, not run): where the peers are and how each
# is started as a SOP command.

ALL_PEERS=(sqop gosop pgpainless openpgpjs)
INTEROP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# openpgpjs_dir [install]: the folder holding node_modules/openpgp. $OPENPGPJS_DIR if set; else eng/interop/.node
# when it holds OpenPGP.js (or, with "install", when it can be written); else the user's cache folder (for a
# read-only checkout).
openpgpjs_dir() {
  local local_dir="$INTEROP_DIR/.node" cache="${XDG_CACHE_HOME:-$HOME/.cache}/cryptomail-interop/node"
  if [ -n "${OPENPGPJS_DIR:-}" ]; then echo "$OPENPGPJS_DIR"; return; fi
  if [ -f "$local_dir/node_modules/openpgp/package.json" ]; then echo "$local_dir"; return; fi
  if [ "${1:-}" != install ] && [ -f "$cache/node_modules/openpgp/package.json" ]; then echo "$cache"; return; fi
  if [ "${1:-}" = install ] && mkdir -p "$local_dir" 2>/dev/null && [ -w "$local_dir" ]; then echo "$local_dir"; return; fi
  echo "$cache"
}

# openpgpjs_version DIR: the installed OpenPGP.js version, or nothing.
openpgpjs_version() {
  local pkg="$1/node_modules/openpgp/package.json"
  [ -f "$pkg" ] && command -v node >/dev/null && node -p 'require(process.argv[1]).version' "$pkg" 2>/dev/null || true
}

# peer_command NAME: prints the shell command prefix that runs peer NAME as a SOP tool; fails when it is not
# installed. INTEROP_PEER_<NAME> (e.g. INTEROP_PEER_SQOP) overrides it.
peer_command() {
  local var="INTEROP_PEER_${1^^}"
  if [ -n "${!var:-}" ]; then echo "${!var}"; return 0; fi
  case "$1" in
    sqop) command -v sqop >/dev/null && printf '%q\n' "$(command -v sqop)" ;;
    gosop) command -v gosop >/dev/null && printf '%q\n' "$(command -v gosop)" ;;
    # One JVM per call: client-compiler-only and class-data sharing cut its start-up roughly in half.
    pgpainless) command -v pgpainless-cli >/dev/null \
      && printf 'JAVA_TOOL_OPTIONS=%q %q\n' "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto" "$(command -v pgpainless-cli)" ;;
    openpgpjs)
      local dir; dir="$(openpgpjs_dir)"
      command -v node >/dev/null && [ -n "$(openpgpjs_version "$dir")" ] \
        && printf 'OPENPGPJS_DIR=%q node %q\n' "$dir" "$INTEROP_DIR/sop-openpgpjs.mjs" ;;
    *) return 1 ;;
  esac
}
