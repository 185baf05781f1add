#!/usr/bin/env bash
# The SOP interop matrix: drives a tool under test ("tut", e.g. `cryptomail sop`) against each installed peer
# (eng/interop/install-peers.sh) over the Stateless OpenPGP command line. Every test has a producer and a consumer;
# each runs tut -> peer, peer -> tut and tut -> tut. README.md beside this script lists the tests and the rules.
#
# Usage: eng/interop/run.sh --sop "COMMAND..." [--name LABEL] [--peers LIST|none] [--tests LIST] [--out DIR]
#                           [--timeout SECONDS] [--no-self] [--no-attribution] [--list-tests]
#   --sop        the tool under test as a command prefix, run as `COMMAND SUBCOMMAND ARGS...` through bash
#   --name       its label in the tables (default tut)
#   --peers      comma-separated, from: sqop gosop pgpainless openpgpjs (default: every installed one)
#   --tests      run only these tests (see --list-tests)
#   --out        folder for results.tsv and every input and output (default: a new temporary folder)
#   --timeout    seconds allowed for one SOP call (default 120)
#   --no-self    do not run tut -> tut
#   --no-attribution   count every failure (no evidence runs that put a failure down to the peer)
# Exit status 0 when nothing failed, 1 when a test failed, 2 for a usage or setup error.
# Last line: "N passed, M failed, K skipped".
set -uo pipefail
export LC_ALL=C

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"

TESTS=(keys_v4 keys_v6 encrypt_armored encrypt_binary encrypt_v6 encrypt_signed encrypt_signed_v6
  encrypt_recipients encrypt_password session_key decrypt_tampered sign_binary sign_text sign_v6
  verify_modified inline_sign inline_clearsigned inline_v6 armor)

TUT_CMD="" LABEL=tut PEERS_ARG="" TESTS_ARG="" OUT="" TIMEOUT=120 SELF=1 ATTRIBUTION=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sop) TUT_CMD="${2:-}"; shift 2 ;;
    --name) LABEL="${2:-}"; shift 2 ;;
    --peers) PEERS_ARG="${2:-}"; shift 2 ;;
    --tests) TESTS_ARG="${2:-}"; shift 2 ;;
    --out) OUT="${2:-}"; shift 2 ;;
    --timeout) TIMEOUT="${2:-}"; shift 2 ;;
    --no-self) SELF=0; shift ;;
    --no-attribution) ATTRIBUTION=0; shift ;;
    --list-tests) printf '%s\n' "${TESTS[@]}"; exit 0 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$TUT_CMD" ] || { echo "run.sh: --sop \"COMMAND...\" is required" >&2; exit 2; }
command -v python3 >/dev/null || { echo "run.sh: python3 is required (fingerprints, test data)" >&2; exit 2; }
if [ -n "$TESTS_ARG" ]; then
  IFS=, read -r -a wanted <<<"$TESTS_ARG"
  for t in "${wanted[@]}"; do
    printf '%s\n' "${TESTS[@]}" | grep -qx "$t" || { echo "run.sh: unknown test $t" >&2; exit 2; }
  done
  TESTS=("${wanted[@]}")
fi

declare -A CMD=([$LABEL]="$TUT_CMD")
PEERS=()
if [ -z "$PEERS_ARG" ]; then
  for p in "${ALL_PEERS[@]}"; do c="$(peer_command "$p")" && { PEERS+=("$p"); CMD[$p]="$c"; }; done
elif [ "$PEERS_ARG" != none ]; then
  IFS=, read -r -a asked <<<"$PEERS_ARG"
  for p in "${asked[@]}"; do
    c="$(peer_command "$p")" || { echo "run.sh: peer $p is unknown or not installed (eng/interop/install-peers.sh)" >&2; exit 2; }
    PEERS+=("$p"); CMD[$p]="$c"
  done
fi
for p in "${PEERS[@]}"; do [ "$p" != "$LABEL" ] || { echo "run.sh: --name must differ from the peers' names" >&2; exit 2; }; done

OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/sop-interop.XXXXXX")}"
mkdir -p "$OUT" || exit 2
OUT="$(cd "$OUT" && pwd)"
rm -rf "$OUT/keys" "$OUT/cells" "$OUT/results.tsv" "$OUT/evidence.tsv"
mkdir -p "$OUT/keys" "$OUT/cells" "$OUT/data"
printf 'test\tproducer\tconsumer\tresult\tdetail\n' > "$OUT/results.tsv"
printf 'test\tproducer\tconsumer\tresult\tstep\n' > "$OUT/evidence.tsv"

# ---------------------------------------------------------------------------------------------------- helpers
is_peer() { [ "$1" != "$LABEL" ]; }

# python3 helpers: the primary fingerprint of an (armored or binary) certificate; a copy with one byte flipped.
fingerprint() {
  python3 - "$1" <<'PY'
import base64, hashlib, sys
data = open(sys.argv[1], 'rb').read()
if data.lstrip().startswith(b'-----BEGIN'):
    lines = data.decode('ascii', 'replace').splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith('-----BEGIN'))
    body, i = [], start + 1
    while i < len(lines) and lines[i].strip():   # armor headers end at the first empty line
        i += 1
    for l in lines[i + 1:]:
        if l.startswith('-----END') or l.startswith('='):
            break
        body.append(l.strip())
    data = base64.b64decode(''.join(body))
tag = data[0]
if tag & 0x40:                                   # OpenPGP packet format
    first = data[1]
    if first < 192: length, at = first, 2
    elif first < 224: length, at = ((first - 192) << 8) + data[2] + 192, 3
    else: length, at = int.from_bytes(data[2:6], 'big'), 6
else:                                            # legacy format
    n = {0: 1, 1: 2, 2: 4}[tag & 3]
    length, at = int.from_bytes(data[1:1 + n], 'big'), 1 + n
key = data[at:at + length]
if key[0] == 6:
    print(hashlib.sha256(b'\x9b' + len(key).to_bytes(4, 'big') + key).hexdigest().upper())
else:
    print(hashlib.sha1(b'\x99' + len(key).to_bytes(2, 'big') + key).hexdigest().upper())
PY
}
flip_middle() { python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0xFF; open(sys.argv[2], "wb").write(b)' "$1" "$2"; }

# Every test writes its outcome here: RESULT (pass, fail, skip), STEP (what failed, without tool names, so that
# failures of different pairs can be compared) and DETAIL.
outcome() { printf '%s' "$1" > "$W/result"; printf '%s' "$2" > "$W/step"; printf '%s' "$3" > "$W/detail"; }
failed() { outcome fail "$1" "$2"; return 1; }

# call TOOL SUBCOMMAND [ARGS...]: runs TOOL in the test folder. gosop spells decrypt's --verifications-out in the
# older way (--verify-out): the one adapter a peer needs here.
call() {
  local tool="$1"; shift
  local args=("$@") i
  if [ "$tool" = gosop ] && [ "$1" = decrypt ]; then
    for i in "${!args[@]}"; do args[i]="${args[i]/#--verifications-out=/--verify-out=}"; done
  fi
  (cd "$W" && timeout "$TIMEOUT" bash -c "${CMD[$tool]} $(printf '%q ' "${args[@]}")" 2>>"$W/stderr-$tool.txt")
}

# sop ROLE SUBCOMMAND [ARGS...] < in > out: runs the producer (ROLE a) or consumer (ROLE b) in the test folder.
# A peer that says it lacks the subcommand, option or profile (exit 69, 37, 89) makes the test a skip; any other
# non-zero exit fails it.
sop() {
  local role="$1"; shift
  local tool; [ "$role" = a ] && tool="$A" || tool="$B"
  local started=$SECONDS code
  call "$tool" "$@"
  code=$?
  printf '%s %s -> exit %s (%ss)\n' "$tool" "$*" "$code" "$((SECONDS - started))" >> "$W/commands.log"
  [ "$code" = 0 ] && return 0
  if is_peer "$tool" && { [ "$code" = 69 ] || [ "$code" = 37 ] || [ "$code" = 89 ]; }; then
    outcome skip "$role:$1:unsupported" "$tool does not support: $* (exit $code)"
    return 2
  fi
  local why; why="$(tail -n 2 "$W/stderr-$tool.txt" 2>/dev/null | tr '\n' ' ' | cut -c1-160)"
  [ "$code" = 124 ] && why="timed out after ${TIMEOUT}s"
  failed "$role:$1:exit" "$tool $1 exited $code: $why"
  return 1
}

# sop_must_fail ROLE CODE|any SUBCOMMAND ARGS...: the call must fail (with exit CODE, or with any non-zero code);
# the code is left in W/code.
sop_must_fail() {
  local role="$1" want="$2"; shift 2
  local tool; [ "$role" = a ] && tool="$A" || tool="$B"
  call "$tool" "$@"
  local code=$?
  printf '%s %s -> exit %s (expected to fail)\n' "$tool" "$*" "$code" >> "$W/commands.log"
  echo "$code" > "$W/code"
  if [ "$code" = 0 ]; then failed "$role:$1:accepted" "$tool $1 succeeded on altered input"; return 1; fi
  if [ "$want" != any ] && [ "$code" != "$want" ]; then failed "$role:$1:code" "$tool $1 exited $code, not $want"; return 1; fi
}

same_file() { cmp -s "$1" "$2" || failed "check:$3" "$3: output differs from the input ($(wc -c < "$2") bytes, $(wc -c < "$1") expected)"; }

# verifications FILE CERT: a line TIME SIGNING-FPR PRIMARY-FPR ... naming CERT's primary key.
verified_by() {
  local want line
  want="$(fingerprint "$2")" || { failed "check:fingerprint" "cannot read the certificate $2"; return 1; }
  while read -r line; do
    if [[ "$line" =~ ^[^[:space:]]+\ [0-9A-Fa-f]{32,64}\ ([0-9A-Fa-f]{32,64})( |$) ]] \
       && [ "${BASH_REMATCH[1]^^}" = "$want" ]; then return 0; fi
  done < "$1"
  failed "check:verification" "no verification line names $want: $(head -c 200 "$1" | tr '\n' '|')"
}

armored_as() { # FILE LABEL
  head -n 1 "$1" | grep -q "^-----BEGIN PGP $2-----" || failed "check:armor" "expected BEGIN PGP $2, got: $(head -c 60 "$1" | tr '\n' ' ')"
}

has_profile() { grep -q "^rfc9580\b" "$OUT/keys/$1/profiles.txt" 2>/dev/null; }
needs_v6() { has_profile "$A" && has_profile "$B" && return 0; outcome skip "profile" "needs the rfc9580 profile on both sides"; return 2; }
key() { echo "$OUT/keys/$1/$2"; }  # key TOOL NAME.key|NAME.cert

# ---------------------------------------------------------------------------------------------------- the tests
# Each runs with A (producer) and B (consumer) set and W its own folder; returns 0 pass, 1 fail, 2 skip.
test_keys_v4() { keys_profile ""; }
test_keys_v6() { needs_v6 || return; keys_profile rfc9580; }
keys_profile() { # A generates a key; B extracts its certificate, encrypts to it, decrypts, signs; A verifies B's signature.
  sop a generate-key ${1:+"--profile=$1"} "Carol <carol@example.org>" > "$W/carol.key" < /dev/null || return
  sop a extract-cert < "$W/carol.key" > "$W/carol-a.cert" || return
  sop b extract-cert < "$W/carol.key" > "$W/carol-b.cert" || return
  [ "$(fingerprint "$W/carol-a.cert")" = "$(fingerprint "$W/carol-b.cert")" ] \
    || { failed "check:fingerprint" "the certificates A and B extract have different primary keys"; return; }
  if [ "$1" = rfc9580 ] && [ "$(fingerprint "$W/carol-a.cert" | wc -c)" != 65 ]; then
    failed "check:version" "A's rfc9580 key is not a v6 key"; return
  fi
  sop b encrypt carol-b.cert < "$DATA/message.txt" > "$W/msg.asc" || return
  sop b decrypt carol.key < "$W/msg.asc" > "$W/msg.out" || return
  same_file "$DATA/message.txt" "$W/msg.out" "decrypt" || return
  sop b sign carol.key < "$DATA/data.bin" > "$W/data.sig" || return
  sop a verify data.sig carol-a.cert < "$DATA/data.bin" > "$W/verify.out" || return
  verified_by "$W/verify.out" "$W/carol-a.cert"
}

test_encrypt_armored() {
  sop a encrypt "$(key "$B" bob.cert)" < "$DATA/message.txt" > "$W/msg.asc" || return
  armored_as "$W/msg.asc" MESSAGE || return
  sop b decrypt "$(key "$B" bob.key)" < "$W/msg.asc" > "$W/msg.out" || return
  same_file "$DATA/message.txt" "$W/msg.out" "decrypt"
}

test_encrypt_binary() {
  sop a encrypt --no-armor "$(key "$B" bob.cert)" < "$DATA/data.bin" > "$W/msg.bin" || return
  ! head -c 15 "$W/msg.bin" | grep -q -- '-----BEGIN' || { failed "check:armor" "--no-armor output is armored"; return; }
  sop b decrypt "$(key "$B" bob.key)" < "$W/msg.bin" > "$W/data.out" || return
  same_file "$DATA/data.bin" "$W/data.out" "decrypt"
}

test_encrypt_v6() {
  needs_v6 || return
  sop a encrypt "$(key "$B" vera.cert)" < "$DATA/message.txt" > "$W/msg.asc" || return
  sop b decrypt "$(key "$B" vera.key)" < "$W/msg.asc" > "$W/msg.out" || return
  same_file "$DATA/message.txt" "$W/msg.out" "decrypt"
}

test_encrypt_signed() { encrypt_signed alice bob; }
test_encrypt_signed_v6() { needs_v6 || return; encrypt_signed vera vera; }
encrypt_signed() { # SIGNER RECIPIENT
  sop a encrypt "--sign-with=$(key "$A" "$1.key")" "$(key "$B" "$2.cert")" < "$DATA/message.txt" > "$W/msg.asc" || return
  sop b decrypt "--verify-with=$(key "$A" "$1.cert")" --verifications-out=verifications.txt "$(key "$B" "$2.key")" \
    < "$W/msg.asc" > "$W/msg.out" || return
  same_file "$DATA/message.txt" "$W/msg.out" "decrypt" || return
  verified_by "$W/verifications.txt" "$(key "$A" "$1.cert")"
}

test_encrypt_recipients() { # B must find its own key among several recipients, whichever of its keys it holds.
  sop a encrypt "$(key "$A" alice.cert)" "$(key "$B" bob.cert)" "$(key "$B" alice.cert)" < "$DATA/message.txt" > "$W/msg.asc" || return
  sop b decrypt "$(key "$B" bob.key)" < "$W/msg.asc" > "$W/bob.out" || return
  same_file "$DATA/message.txt" "$W/bob.out" "decrypt" || return
  sop b decrypt "$(key "$B" alice.key)" < "$W/msg.asc" > "$W/alice.out" || return
  same_file "$DATA/message.txt" "$W/alice.out" "decrypt"
}

test_encrypt_password() {
  sop a encrypt --with-password="$DATA/password.txt" < "$DATA/message.txt" > "$W/msg.asc" || return
  sop b decrypt --with-password="$DATA/password.txt" < "$W/msg.asc" > "$W/msg.out" || return
  same_file "$DATA/message.txt" "$W/msg.out" "decrypt"
}

test_session_key() { # B decrypts and writes the session key; A decrypts again with only that session key.
  sop a encrypt "$(key "$B" bob.cert)" < "$DATA/message.txt" > "$W/msg.asc" || return
  sop b decrypt --session-key-out="$W/session-key.txt" "$(key "$B" bob.key)" < "$W/msg.asc" > "$W/msg.out" || return
  same_file "$DATA/message.txt" "$W/msg.out" "decrypt" || return
  grep -Eq '^[0-9]+:[0-9A-Fa-f]+$' "$W/session-key.txt" || { failed "check:session-key" "session key not ALGO:HEX: $(head -c 80 "$W/session-key.txt")"; return; }
  sop a decrypt --with-session-key="$W/session-key.txt" < "$W/msg.asc" > "$W/again.out" || return
  same_file "$DATA/message.txt" "$W/again.out" "decrypt with session key"
}

test_decrypt_tampered() {
  sop a encrypt --no-armor "$(key "$B" bob.cert)" < "$DATA/text-4k.txt" > "$W/msg.bin" || return
  sop b decrypt "$(key "$B" bob.key)" < "$W/msg.bin" > "$W/msg.out" || return
  same_file "$DATA/text-4k.txt" "$W/msg.out" "decrypt" || return
  flip_middle "$W/msg.bin" "$W/tampered.bin"
  sop_must_fail b any decrypt "$(key "$B" bob.key)" < "$W/tampered.bin" > "$W/tampered.out" || return
  outcome pass "" "rejected with exit $(cat "$W/code"), $(wc -c < "$W/tampered.out") bytes written"
}

test_sign_binary() { sign_detached alice "" data.bin; }
test_sign_text() { sign_detached alice --as=text message.txt; }
test_sign_v6() { needs_v6 || return; sign_detached vera "" data.bin; }
sign_detached() { # SIGNER [--as=text] FILE
  sop a sign ${2:+"$2"} "$(key "$A" "$1.key")" < "$DATA/$3" > "$W/data.sig" || return
  armored_as "$W/data.sig" SIGNATURE || return
  sop b verify data.sig "$(key "$A" "$1.cert")" < "$DATA/$3" > "$W/verify.out" || return
  verified_by "$W/verify.out" "$(key "$A" "$1.cert")"
}

test_verify_modified() { # verify must exit 3 (NO_SIGNATURE) when the data changed
  sop a sign "$(key "$A" alice.key)" < "$DATA/message.txt" > "$W/msg.sig" || return
  sop b verify msg.sig "$(key "$A" alice.cert)" < "$DATA/message.txt" > "$W/verify.out" || return
  flip_middle "$DATA/message.txt" "$W/modified.txt"
  sop_must_fail b 3 verify msg.sig "$(key "$A" alice.cert)" < "$W/modified.txt" > /dev/null
}

test_inline_sign() { inline alice "" data.bin; }
test_inline_v6() { needs_v6 || return; inline vera "" data.bin; }
test_inline_clearsigned() { inline alice --as=clearsigned message.txt; }
inline() { # SIGNER [--as=clearsigned] FILE
  sop a inline-sign ${2:+"$2"} "$(key "$A" "$1.key")" < "$DATA/$3" > "$W/signed.asc" || return
  if [ -n "$2" ]; then armored_as "$W/signed.asc" "SIGNED MESSAGE" || return; else armored_as "$W/signed.asc" MESSAGE || return; fi
  sop b inline-verify --verifications-out=verifications.txt "$(key "$A" "$1.cert")" < "$W/signed.asc" > "$W/data.out" || return
  if [ -n "$2" ]; then # the cleartext framework keeps neither CR nor trailing line ends
    [ "$(tr -d '\r' < "$W/data.out")" = "$(tr -d '\r' < "$DATA/$3")" ] || { failed "check:text" "the verified text differs"; return; }
  else
    same_file "$DATA/$3" "$W/data.out" "inline-verify" || return
  fi
  verified_by "$W/verifications.txt" "$(key "$A" "$1.cert")"
}

test_armor() { # A armors binary objects of each kind; B dearmors them back to the same octets.
  local kind label
  sop a dearmor < "$(key "$A" alice.cert)" > "$W/cert.bin" || return
  sop a sign --no-armor "$(key "$A" alice.key)" < "$DATA/data.bin" > "$W/sig.bin" || return
  sop a encrypt --no-armor "$(key "$B" bob.cert)" < "$DATA/data.bin" > "$W/msg.bin" || return
  for kind in cert:"PUBLIC KEY BLOCK" sig:SIGNATURE msg:MESSAGE; do
    label="${kind#*:}" kind="${kind%%:*}"
    sop a armor < "$W/$kind.bin" > "$W/$kind.asc" || return
    armored_as "$W/$kind.asc" "$label" || return
    sop b dearmor < "$W/$kind.asc" > "$W/$kind.back" || return
    same_file "$W/$kind.bin" "$W/$kind.back" "dearmor" || return
  done
}

# ---------------------------------------------------------------------------------------------------- setup
DATA="$OUT/data"
printf 'Grüße aus Zürich, ¿qué tal?\nLine two — with a dash.\n-----BEGIN NOT ARMOR\n' > "$DATA/message.txt"
head -c 700 /dev/urandom > "$DATA/data.bin"
python3 -c 'import random, string; print("".join(random.choice(string.ascii_letters + " \n") for _ in range(4096)), end="")' > "$DATA/text-4k.txt"
printf 'correct horse battery staple' > "$DATA/password.txt"

TOOLS=("$LABEL" "${PEERS[@]}")
echo "tool under test: $LABEL = $TUT_CMD"
echo "peers: ${PEERS[*]:-none}"
echo "results: $OUT"
for tool in "${TOOLS[@]}"; do
  dir="$OUT/keys/$tool"; mkdir -p "$dir"
  v="$(bash -c "${CMD[$tool]} version" 2>/dev/null | sed -n 1p)"
  bash -c "${CMD[$tool]} list-profiles generate-key" > "$dir/profiles.txt" 2>/dev/null || : > "$dir/profiles.txt"
  ok=1
  for who in alice:"Alice <alice@example.org>" bob:"Bob <bob@example.org>" vera:"Vera <vera@example.org>"; do
    name="${who%%:*}" uid="${who#*:}" profile=()
    if [ "$name" = vera ]; then has_profile "$tool" || continue; profile=(--profile=rfc9580); fi
    bash -c "${CMD[$tool]} generate-key $(printf '%q ' "${profile[@]}" "$uid")" > "$dir/$name.key" 2>> "$dir/stderr.txt" < /dev/null \
      && bash -c "${CMD[$tool]} extract-cert" < "$dir/$name.key" > "$dir/$name.cert" 2>> "$dir/stderr.txt" || ok=0
  done
  printf '  %-11s %s%s%s\n' "$tool" "${v:-?}" "$(has_profile "$tool" && echo ', rfc9580 profile')" "$([ "$ok" = 1 ] || echo ', KEY GENERATION FAILED')"
done

# run_cell TEST A B FOLDER: runs one test and leaves result, step and detail in FOLDER.
run_cell() {
  local t="$1"; A="$2"; B="$3"; W="$4"
  rm -rf "$W"; mkdir -p "$W"
  outcome pass "" ""
  "test_$t"
  case $? in 0) ;; 1) [ "$(cat "$W/result")" = fail ] || outcome fail "unknown" "failed" ;; 2) ;; esac
  [ "$(cat "$W/result")" = pass ] && [ -z "$(cat "$W/detail")" ] && printf '%s' "$(grep -c . "$W/commands.log") SOP calls" > "$W/detail"
  return 0
}

# ---------------------------------------------------------------------------------------------------- the matrix
PAIRS=()
for p in "${PEERS[@]}"; do PAIRS+=("$LABEL>$p" "$p>$LABEL"); done
[ "$SELF" = 1 ] && PAIRS+=("$LABEL>$LABEL")
declare -A RESULT=() DETAIL=()
for pair in "${PAIRS[@]}"; do
  a="${pair%%>*}" b="${pair#*>}" line=""
  for t in "${TESTS[@]}"; do
    W="$OUT/cells/$a--$b/$t"
    run_cell "$t" "$a" "$b" "$W"
    r="$(cat "$W/result")"
    RESULT[$t|$pair]="$r"; DETAIL[$t|$pair]="$(cat "$W/detail")"
    case "$r" in pass) line+=".";; skip) line+="s";; *) line+="F";; esac
  done
  printf '%-24s %s\n' "$pair" "$line"
done

# A failure between the tool under test and peer P is put down to P when P fails the same way in the same role
# against itself, or against most of the other peers (more than half, at least two): the evidence runs replace the
# tool under test by each peer and are kept under OUT/cells/evidence.
attribute() { # TEST PAIR
  local t="$1" pair="$2" a="${2%%>*}" b="${2#*>}" peer step others=0 same=0 self="" x ea eb r s
  step="$(cat "$OUT/cells/$a--$b/$t/step")"
  if [ "$a" = "$LABEL" ]; then peer="$b"; else peer="$a"; fi
  for x in "${PEERS[@]}"; do
    if [ "$a" = "$LABEL" ]; then ea="$x" eb="$peer"; else ea="$peer" eb="$x"; fi
    local ew="$OUT/cells/evidence/$ea--$eb/$t"
    [ -f "$ew/result" ] || run_cell "$t" "$ea" "$eb" "$ew"
    r="$(cat "$ew/result")" s="$(cat "$ew/step")"
    printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$ea" "$eb" "$r" "$s" >> "$OUT/evidence.tsv"
    if [ "$x" = "$peer" ]; then [ "$r" = fail ] && [ "$s" = "$step" ] && self="$ea>$eb"
    else others=$((others + 1)); [ "$r" = fail ] && [ "$s" = "$step" ] && same=$((same + 1)); fi
  done
  if [ -n "$self" ]; then echo "peer limitation: $peer fails the same way against itself ($self)"; return 0; fi
  if [ "$same" -ge 2 ] && [ $((same * 2)) -gt "$others" ]; then
    echo "peer limitation: $peer fails the same way with $same of $others other peers"; return 0
  fi
  return 1
}
if [ "$ATTRIBUTION" = 1 ]; then
  for pair in "${PAIRS[@]}"; do
    [ "$pair" = "$LABEL>$LABEL" ] && continue
    for t in "${TESTS[@]}"; do
      [ "${RESULT[$t|$pair]}" = fail ] || continue
      if why="$(attribute "$t" "$pair")"; then RESULT[$t|$pair]=skip; DETAIL[$t|$pair]="$why; ${DETAIL[$t|$pair]}"; fi
    done
  done
fi

# ---------------------------------------------------------------------------------------------------- report
passed=0 failed_n=0 skipped=0
echo
printf '%-20s' test; for pair in "${PAIRS[@]}"; do printf ' %-22s' "$pair"; done; echo
for t in "${TESTS[@]}"; do
  printf '%-20s' "$t"
  for pair in "${PAIRS[@]}"; do
    r="${RESULT[$t|$pair]}"
    case "$r" in pass) passed=$((passed + 1)); printf ' %-22s' pass ;; skip) skipped=$((skipped + 1)); printf ' %-22s' skip ;;
      *) failed_n=$((failed_n + 1)); printf ' %-22s' FAIL ;; esac
    printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${pair%%>*}" "${pair#*>}" "$r" "${DETAIL[$t|$pair]}" >> "$OUT/results.tsv"
  done
  echo
done
if [ "$failed_n" -gt 0 ]; then
  echo; echo "failures (inputs, outputs and commands.log under $OUT/cells/PRODUCER--CONSUMER/TEST):"
  awk -F'\t' 'NR > 1 && $4 == "fail" { printf "  %s %s>%s: %s\n", $1, $2, $3, $5 }' "$OUT/results.tsv"
fi
if [ "$skipped" -gt 0 ]; then
  echo; echo "skipped:"
  awk -F'\t' 'NR > 1 && $4 == "skip" { printf "  %s %s>%s: %s\n", $1, $2, $3, substr($5, 1, 150) }' "$OUT/results.tsv"
fi
echo
echo "$passed passed, $failed_n failed, $skipped skipped"
[ "$failed_n" = 0 ]
