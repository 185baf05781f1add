#!/usr/bin/env bash
# aot-smoke.sh TOOL WORKDIR: checks that a build of the cryptomail tool (the native AOT binary in CI) does its main
# jobs through the SOP interface: keys, SEIPD v1 and v2 encryption and decryption from a file (read twice) and from
# a pipe (held back), armor, detached signatures, and refusal of a modified message without releasing plaintext.
set -euo pipefail
tool=$1 work=$2
mkdir -p "$work"
cd "$work"
sop() { "$tool" sop "$@"; }
check() { echo "ok: $*"; }

sop version
head -c $((3 * 1024 * 1024 + 123)) /dev/urandom > plain.bin
sop generate-key "Smoke <smoke@example.invalid>" > v4.key
sop extract-cert < v4.key > v4.cert
sop generate-key --profile=rfc9580 "Smoke6 <smoke6@example.invalid>" > v6.key
sop extract-cert < v6.key > v6.cert
check "keys (v4, v6)"

sop encrypt --profile=rfc4880 --no-armor v4.cert < plain.bin > v1.pgp
sop decrypt v4.key < v1.pgp > out.bin && cmp out.bin plain.bin
cat v1.pgp | sop decrypt v4.key | cmp - plain.bin
check "SEIPD v1 from a file and from a pipe"

sop encrypt v6.cert < plain.bin > v2.asc
sop decrypt v6.key < v2.asc > out.bin && cmp out.bin plain.bin
cat v2.asc | sop decrypt v6.key | cmp - plain.bin
check "SEIPD v2, armored, from a file and from a pipe"

sop sign v4.key < plain.bin > sig.asc
sop verify sig.asc v4.cert < plain.bin > /dev/null
check "detached signature"

# A byte changed in the middle of the SEIPD v1 data: the decryption fails and writes nothing.
cp v1.pgp bad.pgp
size=$(stat -c %s bad.pgp)
old=$(od -An -tu1 -j $((size / 2)) -N1 bad.pgp | tr -d ' ')
printf "\\x$(printf %02x $((old ^ 1)))" | dd of=bad.pgp bs=1 seek=$((size / 2)) conv=notrunc status=none
cmp -s bad.pgp v1.pgp && { echo "FAILED: the byte was not changed" >&2; exit 1; }
if sop decrypt v4.key < bad.pgp > bad.out 2> bad.err; then
  echo "FAILED: a modified message decrypted" >&2; exit 1
fi
[ ! -s bad.out ] || { echo "FAILED: a modified message released $(stat -c %s bad.out) bytes" >&2; exit 1; }
check "modified message refused, nothing released ($(head -c 120 bad.err))"
echo "aot-smoke: every check passed"
