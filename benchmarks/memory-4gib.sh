#!/usr/bin/env bash
# Streaming proof (issue #4): encrypts and decrypts a message of SIZE bytes (default 4 GiB) with the cryptomail
# tool, SEIPD v1 (sop profile rfc4880) and SEIPD v2 (rfc9580), in one pipeline per format:
#   generator | cryptomail sop encrypt | cryptomail sop decrypt | sha256sum
# so neither the plaintext nor the ciphertext is ever stored whole (SEIPD v1 decryption holds its plaintext back
# until the MDC verifies: beyond 32 MiB in a temporary spool encrypted under a one-time key, deleted afterwards).
# The generator is AES-CTR keystream (openssl), checked against the output by SHA-256.
# Prints, per format and stage: bytes, seconds, peak RSS (GNU time's "Maximum resident set size"); exits non-zero
# when the output differs from the input or a peak RSS is at or above LIMIT_MIB (default 150).
#
# Usage: benchmarks/memory-4gib.sh            SIZE=256M benchmarks/memory-4gib.sh      (SIZE as head -c takes it)
# Needs: dotnet, openssl, /usr/bin/time (Debian package "time"), sha256sum.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE="${SIZE:-4G}"
LIMIT_MIB="${LIMIT_MIB:-150}"
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }

dotnet build "$ROOT/src/CryptoMail.Tool" -c Release -v q -nologo >/dev/null
TOOL_DLL="$(ls "$ROOT"/src/CryptoMail.Tool/bin/Release/net*/CryptoMail.Tool.dll | head -n1)"
tool() { dotnet "$TOOL_DLL" "$@"; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cm-mem-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
tool sop generate-key "Memory Proof <memory@example.org>" > "$WORK/key.asc"
tool sop extract-cert < "$WORK/key.asc" > "$WORK/cert.asc"

generate() { head -c "$SIZE" /dev/zero | openssl enc -aes-128-ctr -nosalt -pass pass:cryptomail-memory-proof 2>/dev/null; }

rss_mib() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
secs() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$1"; }

status=0
printf '%-8s %-8s %14s %9s %14s\n' format stage bytes seconds "peak RSS MiB"
for profile in rfc4880 rfc9580; do
  format=$([ "$profile" = rfc4880 ] && echo "SEIPDv1" || echo "SEIPDv2")
  generate | tee >(sha256sum | cut -d' ' -f1 > "$WORK/in.sha") \
    | /usr/bin/time -v -o "$WORK/enc.time" dotnet "$TOOL_DLL" sop encrypt --no-armor --profile "$profile" "$WORK/cert.asc" \
    | tee >(wc -c > "$WORK/ct.len") \
    | /usr/bin/time -v -o "$WORK/dec.time" dotnet "$TOOL_DLL" sop decrypt "$WORK/key.asc" \
    | tee >(wc -c > "$WORK/out.len") | sha256sum | cut -d' ' -f1 > "$WORK/out.sha"
  sleep 1 # let the process substitutions finish writing
  for stage in enc dec; do
    bytes=$([ "$stage" = enc ] && cat "$WORK/ct.len" || cat "$WORK/out.len")
    rss=$(rss_mib "$WORK/$stage.time")
    printf '%-8s %-8s %14s %9s %14s\n' "$format" "$([ $stage = enc ] && echo encrypt || echo decrypt)" "$bytes" "$(secs "$WORK/$stage.time")" "$rss"
    if awk -v r="$rss" -v l="$LIMIT_MIB" 'BEGIN { exit !(r >= l) }'; then echo "  peak RSS at or above $LIMIT_MIB MiB" >&2; status=1; fi
  done
  if [ "$(cat "$WORK/in.sha")" != "$(cat "$WORK/out.sha")" ]; then echo "  $format: output differs from input" >&2; status=1; fi
done
exit $status
