#!/usr/bin/env bash
# Times GnuPG like bench-sop.sh times a SOP tool: an Ed25519 + Curve25519 key in a scratch GNUPGHOME, encrypt with
# AES-256 and no compression (the input is incompressible), decrypt, detached sign and verify of SIZE MiB.
#
# Usage: benchmarks/peers/bench-gpg.sh [SIZE_MIB]      Environment: lib.sh's.
set -u
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
BENCH_IMPL=gpg-aes256
bench_setup "${1:-256}"
W=$BENCH_WORK
export GNUPGHOME=$W/gnupg
mkdir -m 700 "$GNUPGHOME"
stop_agent() { gpgconf --kill gpg-agent >/dev/null 2>&1; }
BENCH_CLEANUP_HOOK=stop_agent
GPG=(gpg --batch --no-tty --quiet --pinentry-mode loopback --passphrase '' --trust-model always)

VERSION=$(gpg --version | head -n 1)
bench_op startup 0 - - gpg --version
STARTUP_S=$OP_WALL
bench_op keygen 0 - - "${GPG[@]}" --quick-gen-key "Bench <bench@example.invalid>" ed25519 sign never
KEYGEN_S=$OP_WALL
FPR=$("${GPG[@]}" --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
[[ -n $FPR ]] || bench_die "key generation failed"
"${GPG[@]}" --quick-add-key "$FPR" cv25519 encr never || bench_die "adding the encryption subkey failed"

bench_op encrypt "$BENCH_BYTES" "$BENCH_IN" - "${GPG[@]}" --compress-algo none --cipher-algo AES256 --yes -o "$W/msg.pgp" -r "$FPR" --encrypt
ENC=("$OP_MBPS" "$OP_RSS_MIB") DEC=(- -) OVERHEAD=-
if [[ $OP_OK == 1 ]]; then
  OVERHEAD=$(($(bench_filesize "$W/msg.pgp") - BENCH_BYTES))
  bench_op decrypt "$BENCH_BYTES" - - "${GPG[@]}" --yes -o "$W/plain.out" --decrypt "$W/msg.pgp"
  DEC=("$OP_MBPS" "$OP_RSS_MIB")
  [[ $OP_OK == 0 ]] || bench_check_roundtrip "$W/plain.out" || DEC=(CORRUPT "$OP_RSS_MIB")
fi
bench_op sign "$BENCH_BYTES" "$BENCH_IN" - "${GPG[@]}" --yes -u "$FPR" -o "$W/data.sig" --detach-sign
SIG=("$OP_MBPS" "$OP_RSS_MIB") VER=(- -) SIG_BYTES=-
if [[ $OP_OK == 1 ]]; then
  SIG_BYTES=$(bench_filesize "$W/data.sig")
  bench_op verify "$BENCH_BYTES" "$BENCH_IN" - "${GPG[@]}" --verify "$W/data.sig" -
  VER=("$OP_MBPS" "$OP_RSS_MIB")
fi
bench_header
bench_row "$BENCH_IMPL" "$VERSION" "$BENCH_SIZE_MIB" "$BENCH_RUNS" "$STARTUP_S" "$KEYGEN_S" "${ENC[@]}" "${DEC[@]}" \
  "${SIG[@]}" "${VER[@]}" "$OVERHEAD" "$SIG_BYTES" "gpg --cipher-algo AES256 --compress-algo none"
