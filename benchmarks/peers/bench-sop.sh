#!/usr/bin/env bash
# Times one SOP tool: start-up (version), generate-key, encrypt, decrypt, sign and verify of SIZE MiB, each a fresh
# process (lib.sh). Prints one row of lib.sh's BENCH_COLUMNS.
#
# Usage: benchmarks/peers/bench-sop.sh "SOP COMMAND" [SIZE_MIB]
# Environment: BENCH_LABEL (row name; default the command's first word), SOP_ENCRYPT_ARGS (extra encrypt options,
# e.g. --profile=rfc9580), SOP_KEY_ARGS (extra generate-key options), and lib.sh's.
set -u
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
[[ $# -ge 1 ]] || { sed -n '2,8p' "$0" >&2; exit 2; }
read -r -a SOP <<<"$1"
BENCH_IMPL=${BENCH_LABEL:-$(basename "${SOP[0]}")}
read -r -a ENC_ARGS <<<"${SOP_ENCRYPT_ARGS:-}"
read -r -a KEY_ARGS <<<"${SOP_KEY_ARGS:-}"
bench_setup "${2:-256}"
W=$BENCH_WORK

VERSION=$("${SOP[@]}" version 2>/dev/null | head -n 1)
bench_op startup 0 - - "${SOP[@]}" version
STARTUP_S=$OP_WALL
bench_op keygen 0 - "$W/key.asc" "${SOP[@]}" generate-key "${KEY_ARGS[@]}" "Bench <bench@example.invalid>"
KEYGEN_S=$OP_WALL
[[ $OP_OK == 1 ]] || bench_die "generate-key failed"
"${SOP[@]}" extract-cert <"$W/key.asc" >"$W/cert.asc" || bench_die "extract-cert failed"

bench_op encrypt "$BENCH_BYTES" "$BENCH_IN" "$W/msg.pgp" "${SOP[@]}" encrypt --no-armor "${ENC_ARGS[@]}" "$W/cert.asc"
ENC=("$OP_MBPS" "$OP_RSS_MIB") DEC=(- -) OVERHEAD=-
if [[ $OP_OK == 1 ]]; then
  OVERHEAD=$(($(bench_filesize "$W/msg.pgp") - BENCH_BYTES))
  bench_op decrypt "$BENCH_BYTES" "$W/msg.pgp" "$W/plain.out" "${SOP[@]}" decrypt "$W/key.asc"
  DEC=("$OP_MBPS" "$OP_RSS_MIB")
  [[ $OP_OK == 0 ]] || bench_check_roundtrip "$W/plain.out" || DEC=(CORRUPT "$OP_RSS_MIB")
fi
bench_op sign "$BENCH_BYTES" "$BENCH_IN" "$W/data.sig" "${SOP[@]}" sign --no-armor "$W/key.asc"
SIG=("$OP_MBPS" "$OP_RSS_MIB") VER=(- -) SIG_BYTES=-
if [[ $OP_OK == 1 ]]; then
  SIG_BYTES=$(bench_filesize "$W/data.sig")
  bench_op verify "$BENCH_BYTES" "$BENCH_IN" - "${SOP[@]}" verify "$W/data.sig" "$W/cert.asc"
  VER=("$OP_MBPS" "$OP_RSS_MIB")
fi
bench_header
bench_row "$BENCH_IMPL" "$VERSION" "$BENCH_SIZE_MIB" "$BENCH_RUNS" "$STARTUP_S" "$KEYGEN_S" "${ENC[@]}" "${DEC[@]}" \
  "${SIG[@]}" "${VER[@]}" "$OVERHEAD" "$SIG_BYTES" "sop encrypt --no-armor ${ENC_ARGS[*]}"
