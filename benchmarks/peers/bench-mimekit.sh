#!/usr/bin/env bash
# Times MimeKit's own PGP/MIME path (mimekit-baseline beside this script: GnuPGContext over Bouncy Castle) on the work
# of compare.sh's cm-mime job: a message with a SIZE MiB attachment signed (SHA-256) and encrypted (AES-256) in the
# encrypt columns, decrypted and verified in the decrypt columns, then 10 KiB messages per second. Builds the baseline
# when it is missing or older than its sources. Prints one row of lib.sh's BENCH_COLUMNS.
#
# Usage: benchmarks/peers/bench-mimekit.sh [SIZE_MIB]
# Environment: MIMEKIT_LATENCY_SECONDS (3), BENCH_LATENCY_OUT (where the messages-per-second TSV goes; default
# stderr), and lib.sh's.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
BENCH_IMPL=mimekit-pgpmime-aes256
PROJECT=$HERE/mimekit-baseline
DLL=$PROJECT/bin/Release/net10.0/mimekit-baseline.dll
if [[ ! -f $DLL || -n $(find "$PROJECT" -maxdepth 1 \( -name '*.cs' -o -name '*.csproj' \) -newer "$DLL") ]]; then
  bench_log "building mimekit-baseline (Release)"
  dotnet build "$PROJECT" -c Release -nologo -v quiet >&2 || bench_die "the mimekit-baseline build failed"
fi
MK=(dotnet "$DLL")
bench_setup "${1:-256}"
W=$BENCH_WORK

VERSION="MimeKit $(sed -n 's/.*Include="MimeKit" Version="\([^"]*\)".*/\1/p' "$HERE/../../Directory.Packages.props")"
bench_op keygen 0 - - "${MK[@]}" keygen "$W/home"
KEYGEN_S=$OP_WALL
[[ $OP_OK == 1 ]] || bench_die "key generation failed"
bench_op startup 0 - - "${MK[@]}" version
STARTUP_S=$OP_WALL

bench_op encrypt "$BENCH_BYTES" - - "${MK[@]}" seal "$W/home" "$BENCH_IN" "$W/sealed.eml"
ENC=("$OP_MBPS" "$OP_RSS_MIB") DEC=(- -) OVERHEAD=-
if [[ $OP_OK == 1 ]]; then
  OVERHEAD=$(($(bench_filesize "$W/sealed.eml") - BENCH_BYTES))
  bench_op decrypt "$BENCH_BYTES" - - "${MK[@]}" open "$W/home" "$W/sealed.eml" "$W/plain.out"
  DEC=("$OP_MBPS" "$OP_RSS_MIB")
  [[ $OP_OK == 0 ]] || bench_check_roundtrip "$W/plain.out" || DEC=(CORRUPT "$OP_RSS_MIB")
fi
bench_header
bench_row "$BENCH_IMPL" "$VERSION" "$BENCH_SIZE_MIB" "$BENCH_RUNS" "$STARTUP_S" "$KEYGEN_S" "${ENC[@]}" "${DEC[@]}" - - - - \
  "$OVERHEAD" - "PGP/MIME sign+encrypt / decrypt+verify in the encrypt / decrypt columns; RSA key (MimeKit's GenerateKeyPair), AES-256, SHA-256"
bench_log "latency: 10 KiB messages, one thread"
if [[ -n ${BENCH_LATENCY_OUT:-} ]]; then exec 3>"$BENCH_LATENCY_OUT"; else exec 3>&2; fi
"${MK[@]}" latency "$W/home" "${MIMEKIT_LATENCY_SECONDS:-3}" 10 >&3 || bench_die "the latency run failed"
