#!/usr/bin/env bash
# Checks that run.sh can fail: it runs the matrix with a deliberately broken SOP tool (sop-openpgpjs.mjs with one
# fault at a time, injected by a wrapper) as the tool under test against the real OpenPGP.js peer, and expects the
# test that covers the fault to fail in the direction that exposes it; without a fault those tests must pass.
# Needs OpenPGP.js (install-peers.sh). Takes a few minutes.
#
# Usage: eng/interop/selftest.sh [OUT]      Last line: "N passed, M failed".
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
BASE="$(peer_command openpgpjs)" || { echo "selftest.sh: OpenPGP.js is not installed (install-peers.sh)" >&2; exit 2; }
OUT="${1:-$(mktemp -d "${TMPDIR:-/tmp}/sop-selftest.XXXXXX")}"
mkdir -p "$OUT"

# The faulty tool: FAULT selects the bug; every other call goes to the real adapter.
cat > "$OUT/faulty-sop.sh" <<SH
#!/usr/bin/env bash
base() { $BASE "\$@"; }
case "\$FAULT:\$1" in
  verify-accepts-all:verify) base "\$@"; exit 0 ;;                      # exits 0 even when no signature is good
  decrypt-ignores-tampering:decrypt) base "\$@"; exit 0 ;;              # exits 0 even when decryption failed
  dearmor-corrupts:dearmor) base "\$@" | python3 -c 'import sys; b = bytearray(sys.stdin.buffer.read()); b[-1] ^= 1; sys.stdout.buffer.write(b)' ;;
  armor-wrong-label:armor) base "\$@" | sed 's/PGP PUBLIC KEY BLOCK/PGP MESSAGE/; s/PGP SIGNATURE/PGP MESSAGE/' ;;
  first-recipient-only:encrypt)                                        # drops every certificate but the first
    args=(); certs=0
    for a in "\$@"; do if [[ \$a != --* && \$a != encrypt ]]; then certs=\$((certs + 1)); [ \$certs -gt 1 ] && continue; fi; args+=("\$a"); done
    base "\${args[@]}" ;;
  fake-v6:generate-key) base "\${@/--profile=rfc9580/--profile=default}" ;;   # lists rfc9580 but makes v4 keys
  *) base "\$@" ;;
esac
SH
chmod +x "$OUT/faulty-sop.sh"

passed=0 failed=0
# expect FAULT TEST PRODUCER CONSUMER RESULT: the cell of that run must have RESULT.
expect() {
  local fault="$1" test="$2" producer="$3" consumer="$4" want="$5" dir="$OUT/${1:-none}" got
  if [ ! -f "$dir/results.tsv" ] || ! grep -q "^$test	" "$dir/results.tsv"; then
    FAULT="$fault" bash "$HERE/run.sh" --sop "FAULT=$fault $OUT/faulty-sop.sh" --name faulty --peers openpgpjs --no-self \
      --no-attribution --tests "$test" --out "$dir/$test" > "$dir.$test.log" 2>&1
    mkdir -p "$dir"; tail -n +2 "$dir/$test/results.tsv" >> "$dir/results.tsv"
  fi
  got="$(awk -F'\t' -v t="$test" -v a="$producer" -v b="$consumer" '$1 == t && $2 == a && $3 == b { print $4 }' "$dir/results.tsv")"
  if [ "$got" = "$want" ]; then passed=$((passed + 1)); echo "ok    ${fault:-no fault}: $test $producer>$consumer $got"
  else failed=$((failed + 1)); echo "WRONG ${fault:-no fault}: $test $producer>$consumer is '${got:-missing}', expected $want (see $dir/$test)"; fi
}

for t in verify_modified decrypt_tampered armor encrypt_recipients keys_v6; do
  expect "" "$t" faulty openpgpjs pass
  expect "" "$t" openpgpjs faulty pass
done
expect verify-accepts-all verify_modified openpgpjs faulty fail
expect decrypt-ignores-tampering decrypt_tampered openpgpjs faulty fail
expect dearmor-corrupts armor openpgpjs faulty fail
expect armor-wrong-label armor faulty openpgpjs fail
expect first-recipient-only encrypt_recipients faulty openpgpjs fail
expect fake-v6 keys_v6 faulty openpgpjs fail
echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
