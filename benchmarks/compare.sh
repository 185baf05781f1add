#!/usr/bin/env bash
# compare.sh - CryptoMail.Core side by side with GnuPG, sqop and OpenPGP.js (issue #7), in one run.
#
# Usage: benchmarks/compare.sh [--quick] [--size MIB] [--rounds N] [--runs N] [--out DIR]
#                              [--jobs "LIST"] [--install-peers] [--no-build] [--aot] [--baseline REF]
#
#   --size MIB        plaintext / attachment size (default 256, like the issue)
#   --rounds N        interleaved rounds; the job order alternates forward/reversed (default 2)
#   --runs N          timed runs per operation per round (default 3; medians over all rounds)
#   --quick           smoke run: 16 MiB, 1 round, 1 run, short latency and start-up loops
#   --out DIR         results folder (default artifacts/compare-<size>mib in the repository)
#   --jobs "LIST"     subset of: gpg sqop openpgpjs cm-v1 cm-v2 mimekit cm-mime signenc
#   --install-peers   run eng/interop/install-peers.sh first (apt: gnupg rnp sqop gosop pgpainless-cli;
#                     npm: openpgp); without it, missing peers stop the script with a message
#   --no-build        reuse the tool and driver published into DIR by an earlier run
#   --aot             also publish the tool as a native AOT binary (needs clang and zlib1g-dev; nothing is
#                     installed for you) and time it beside the ReadyToRun build in the same run: jobs cm-v1-aot
#                     and cm-v2-aot, cryptomail-*-aot rows in signenc, and its `sop version` start-up. When the
#                     AOT publish fails, the run goes on with the ReadyToRun build only and says so.
#   --baseline REF    also publish the tool as it was at git revision REF (ReadyToRun, like the current build) and
#                     time it beside the current build in the same rounds: jobs cm-v1-base and cm-v2-base,
#                     cryptomail-*-base rows in signenc, and its `sop version` start-up, so a change is judged
#                     against its parent in one run rather than across two runs on a shared machine
#   --summarize-only  only recompute medians.tsv, summary.md and targets.md from DIR's runs (with --out)
#
# What it does, from a fresh clone: publishes the cryptomail tool (Release, framework-dependent, ReadyToRun) and
# the PGP/MIME driver of benchmarks/CryptoMail.Core.Benchmarks, makes one incompressible input, then times every job
# in alternating rounds with the scripts in benchmarks/peers (every operation one fresh process under GNU time: wall
# time and peak RSS):
#   gpg        GnuPG, AES-256, no compression (bench-gpg.sh, variant aes256)
#   sqop       Sequoia's SOP (bench-sop.sh)
#   openpgpjs  OpenPGP.js 6, v4 (SEIPD v1) and v6 (SEIPD v2) keys, Web Streams (bench-openpgpjs.mjs)
#   cm-v1      cryptomail sop, encrypt --profile=rfc4880 (SEIPD v1, AES-256), SHA-256 signatures
#   cm-v2      cryptomail sop, encrypt --profile=rfc9580 (SEIPD v2, OCB, AES-256)
#   mimekit    MimeKit's own OpenPGP (bench-mimekit.sh, AES-256): SIZE attachment + 10 KiB messages/s
#   cm-mime    the same PGP/MIME work through CryptoMail.Core's PgpMime (benchmark project, `pgpmime`)
#   signenc    one-pass sign+encrypt and decrypt+verify (gpg, cryptomail v1/v2), and sign/verify with the
#              same hash (SHA-256) for gpg, sqop and cryptomail (sqop and gpg verify cryptomail's signature)
# plus `cryptomail sop version` start-up (hyperfine when installed, else GNU time runs).
# Output in DIR: machine.txt, runs.tsv (every run), rows.tsv, summary.md (peers/summarize.sh), latency.tsv,
# startup.tsv, and targets.md: the issue's targets with our value, the peer's, the ratio and met/gap.
# Nothing is installed unless --install-peers is given. GNU time (/usr/bin/time), openssl and node are required.

set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
SIZE=256 ROUNDS=2 RUNS=3 OUT="" QUICK=0 INSTALL=0 BUILD=1 MEASURE=1 AOT=0 BASELINE=
JOBS_ALL="gpg sqop openpgpjs cm-v1 cm-v2 mimekit cm-mime signenc"
JOBS_SEL=$JOBS_ALL
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1 SIZE=16 ROUNDS=1 RUNS=1 ;;
    --size) SIZE=${2:?}; shift ;;
    --rounds) ROUNDS=${2:?}; shift ;;
    --runs) RUNS=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    --jobs) JOBS_SEL=${2:?}; shift ;;
    --install-peers) INSTALL=1 ;;
    --no-build) BUILD=0 ;;
    --aot) AOT=1 ;;
    --baseline) BASELINE=${2:?}; shift ;;
    --summarize-only) MEASURE=0 ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
  shift
done
[[ $SIZE =~ ^[1-9][0-9]*$ && $ROUNDS =~ ^[1-9][0-9]*$ && $RUNS =~ ^[1-9][0-9]*$ ]] || usage
OUT=${OUT:-$ROOT/artifacts/compare-${SIZE}mib}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LATENCY_S=3 STARTUP_RUNS=20
[[ $QUICK == 1 ]] && LATENCY_S=1 STARTUP_RUNS=5

log() { printf '[compare] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

measure() {
# ---------------------------------------------------------------- prerequisites (installed by nobody but the user)
if [[ $INSTALL == 1 ]]; then
  log "eng/interop/install-peers.sh"
  bash "$ROOT/eng/interop/install-peers.sh" >&2
fi
# shellcheck source=../eng/interop/lib.sh
source "$ROOT/eng/interop/lib.sh"
NODE_DIR=$(openpgpjs_dir)
export OPENPGPJS_DIR=$NODE_DIR
missing=()
for c in dotnet gpg gpgconf sqop node openssl awk cmp; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
[[ -x /usr/bin/time ]] || missing+=("GNU time (apt-get install time)")
[[ $AOT == 1 && $BUILD == 1 ]] && ! command -v clang >/dev/null 2>&1 &&
  missing+=("clang for --aot (apt-get install clang zlib1g-dev; or drop --aot to time the ReadyToRun build only)")
HAVE_OPENPGPJS=0
[[ -f $NODE_DIR/node_modules/openpgp/package.json ]] && HAVE_OPENPGPJS=1
[[ $HAVE_OPENPGPJS == 1 || " $JOBS_SEL " != *" openpgpjs "* ]] || missing+=("OpenPGP.js (npm)")
((${#missing[@]} == 0)) || die "missing: ${missing[*]}; run eng/interop/install-peers.sh (or pass --install-peers)"

# ---------------------------------------------------------------- build
case $(uname -m) in x86_64) RID=linux-x64 ;; aarch64) RID=linux-arm64 ;; *) RID="" ;; esac
TOOL_DLL=$OUT/tool/CryptoMail.Tool.dll
DRIVER_DLL=$OUT/driver/CryptoMail.Core.Benchmarks.dll
if [[ $BUILD == 1 ]]; then
  log "publishing the cryptomail tool (Release, framework-dependent${RID:+, ReadyToRun for $RID})"
  r2r=()
  [[ -n $RID ]] && r2r=(-r "$RID" --self-contained false -p:PublishReadyToRun=true -p:PublishAot=false)
  rm -rf "$OUT/tool" "$OUT/tool-aot" "$OUT/tool-base" "$OUT/driver"
  dotnet publish "$ROOT/src/CryptoMail.Tool" -c Release "${r2r[@]}" -o "$OUT/tool" -nologo -v quiet >&2 || die "tool build failed"
  if [[ $AOT == 1 ]]; then
    log "publishing the cryptomail tool as native AOT${RID:+ for $RID}"
    [[ -n $RID ]] && dotnet publish "$ROOT/src/CryptoMail.Tool" -c Release -r "$RID" -p:PublishAot=true -o "$OUT/tool-aot" \
      -nologo -v quiet >&2 || log "NOTE: the native AOT publish failed (see above); timing the ReadyToRun build only"
  fi
  if [[ -n $BASELINE ]]; then
    base_commit=$(git -C "$ROOT" rev-parse --verify --short "$BASELINE^{commit}") || die "--baseline: no commit '$BASELINE'"
    log "publishing the cryptomail tool as of $base_commit (--baseline)"
    base_src=$(mktemp -d "${TMPDIR:-/tmp}/cryptomail-baseline.XXXXXX")
    git -C "$ROOT" archive "$base_commit" | tar -x -C "$base_src"
    dotnet publish "$base_src/src/CryptoMail.Tool" -c Release "${r2r[@]}" -o "$OUT/tool-base" -nologo -v quiet >&2 ||
      { rm -rf -- "$base_src"; die "the baseline tool build failed"; }
    rm -rf -- "$base_src"
    echo "$base_commit" >"$OUT/tool-base/COMMIT"
  fi
  log "publishing the PGP/MIME driver (benchmarks/CryptoMail.Core.Benchmarks)"
  dotnet publish "$ROOT/benchmarks/CryptoMail.Core.Benchmarks" -c Release -o "$OUT/driver" -nologo -v quiet >&2 || die "driver build failed"
fi
[[ -f $TOOL_DLL && -f $DRIVER_DLL ]] || die "no build in $OUT (drop --no-build)"
CM="dotnet $TOOL_DLL sop"
add_build_jobs() { # add_build_jobs SUFFIX: a second build's cm-v1-SUFFIX / cm-v2-SUFFIX right after cm-v1 / cm-v2
  local j jobs=""
  for j in $JOBS_SEL; do
    jobs+=" $j"
    if [[ $j == cm-v1 || $j == cm-v2 ]]; then jobs+=" $j-$1"; fi
  done
  JOBS_SEL=${jobs# }
}
CM_AOT=""
if [[ $AOT == 1 ]]; then
  if [[ -x $OUT/tool-aot/CryptoMail.Tool ]]; then
    CM_AOT="$OUT/tool-aot/CryptoMail.Tool sop"
    add_build_jobs aot
  else
    log "NOTE: no native AOT build in $OUT/tool-aot; timing the ReadyToRun build only"
  fi
fi
CM_BASE=""
if [[ -n $BASELINE ]]; then
  [[ -f $OUT/tool-base/CryptoMail.Tool.dll ]] || die "no baseline build in $OUT/tool-base (drop --no-build)"
  CM_BASE="dotnet $OUT/tool-base/CryptoMail.Tool.dll sop"
  add_build_jobs base
fi
DRIVER=(dotnet "$DRIVER_DLL" pgpmime)

PEERS=$ROOT/benchmarks/peers
# shellcheck source=peers/lib.sh
source "$PEERS/lib.sh"
if [[ " $JOBS_SEL " == *" mimekit "* ]]; then
  log "building mimekit-baseline (Release)"
  dotnet build "$PEERS/mimekit-baseline" -c Release -nologo -v quiet >&2 || die "mimekit-baseline build failed"
fi

# ---------------------------------------------------------------- input and bookkeeping
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cryptomail-compare.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT
export BENCH_INPUT=$WORK/input.bin BENCH_RUNS=$RUNS BENCH_NO_HEADER=1 BENCH_WORKDIR=$WORK
bench_make_input "$BENCH_INPUT" "$SIZE"
export BENCH_DETAIL=$OUT/runs.tsv
(IFS=$'\t'; echo "${BENCH_DETAIL_COLUMNS[*]}") >"$BENCH_DETAIL"
(IFS=$'\t'; echo "round	${BENCH_COLUMNS[*]}") >"$OUT/rows.tsv"
printf 'round\timpl\top\tsize_kib\tmsgs_per_s\n' >"$OUT/latency.tsv"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cpus"
  echo "mem: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "size_mib: $SIZE, rounds: $ROUNDS, runs per op per round: $RUNS, jobs: $JOBS_SEL"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  [[ -z $CM_BASE ]] || echo "baseline commit: $(cat "$OUT/tool-base/COMMIT" 2>/dev/null || echo '?')"
  echo "dotnet $(dotnet --version); node $(node --version); $(gpg --version | head -n1); $(sqop version --extended 2>/dev/null | head -n2 | paste -sd ' ')"
  [[ $HAVE_OPENPGPJS == 0 ]] || echo "openpgp (npm) $(node -p 'require(process.argv[1]).version' "$NODE_DIR/node_modules/openpgp/package.json")"
} >"$OUT/machine.txt"

# ---------------------------------------------------------------- jobs
# latency_rows IMPL ROUND < the driver's/baseline's TSV: keep op and messages per second.
latency_rows() { awk -F'\t' -v OFS='\t' -v impl="$1" -v r="$2" 'NR > 1 { print r, impl, $1, $3, $4 }' >>"$OUT/latency.tsv"; }

job_cm_mime() { # PGP/MIME through PgpMime: a 256 MiB attachment sealed and opened, then 10 KiB messages per second
  BENCH_IMPL=cryptomail-pgpmime
  bench_setup "$SIZE"
  local W=$BENCH_WORK
  $CM generate-key "Bench <bench@example.invalid>" >"$W/key.asc" || bench_die "generate-key failed"
  bench_op encrypt "$BENCH_BYTES" - - "${DRIVER[@]}" seal "$W/key.asc" "$BENCH_IN" "$W/enc.eml"
  local enc=("$OP_MBPS" "$OP_RSS_MIB") dec=(FAIL FAIL) ovh=-
  if [[ $OP_OK == 1 ]]; then
    ovh=$(($(bench_filesize "$W/enc.eml") - BENCH_BYTES))
    bench_op decrypt "$BENCH_BYTES" - - "${DRIVER[@]}" open "$W/key.asc" "$W/enc.eml" "$W/pt.out"
    dec=("$OP_MBPS" "$OP_RSS_MIB")
    [[ $OP_OK == 1 ]] && ! bench_check_roundtrip "$W/pt.out" && dec=(CORRUPT "$OP_RSS_MIB")
  fi
  bench_row "$BENCH_IMPL" "CryptoMail.Core PgpMime" "$SIZE" "$RUNS" - - "${enc[@]}" "${dec[@]}" - - - - "$ovh" - \
    "PGP/MIME sign+encrypt/decrypt+verify in encrypt/decrypt columns; SEIPD by recipient features, SHA-256"
  "${DRIVER[@]}" latency "$W/key.asc" "$LATENCY_S" 10 | latency_rows cryptomail-pgpmime "$BENCH_ROUND"
}

job_signenc() { # one-pass sign+encrypt, decrypt+verify; sign and verify with the same hash (SHA-256)
  BENCH_IMPL=signenc
  bench_setup "$SIZE"
  local W=$BENCH_WORK
  export GNUPGHOME=$W/gnupg
  mkdir -m 700 "$GNUPGHOME"
  stop_agent() { gpgconf --kill gpg-agent >/dev/null 2>&1; }
  BENCH_CLEANUP_HOOK=stop_agent
  local GPG=(gpg --batch --no-tty --quiet --pinentry-mode loopback --passphrase '' --trust-model always)
  "${GPG[@]}" --quick-gen-key "Bench <bench@example.invalid>" ed25519 sign never 2>"$W/stderr" || bench_die "gpg keygen: $(cat "$W/stderr")"
  local fpr
  fpr=$("${GPG[@]}" --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
  "${GPG[@]}" --quick-add-key "$fpr" cv25519 encr never 2>"$W/stderr" || bench_die "gpg subkey: $(cat "$W/stderr")"
  $CM generate-key "Bench <bench@example.invalid>" >"$W/cm.key" && $CM extract-cert <"$W/cm.key" >"$W/cm.cert" || bench_die "cryptomail keygen failed"
  "${GPG[@]}" --import "$W/cm.cert" 2>/dev/null || bench_die "gpg cannot import the cryptomail certificate"
  $CM sign --no-armor "$W/cm.key" <"$BENCH_IN" >"$W/cm.sig" || bench_die "cryptomail sign failed"
  # decrypt --verifications-out refuses an existing file: a wrapper removes it before each run (exec: same process).
  local fresh=(bash -c 'rm -f -- "$0"; exec "$@"')

  BENCH_IMPL=gpg-aes256
  bench_op sign+encrypt "$BENCH_BYTES" "$BENCH_IN" - "${GPG[@]}" --compress-algo none --cipher-algo AES256 --digest-algo SHA256 \
    --yes -o "$W/gpg.pgp" -u "$fpr" -r "$fpr" --sign --encrypt
  bench_op decrypt+verify "$BENCH_BYTES" "$W/gpg.pgp" - "${GPG[@]}" --yes -o "$W/pt.out" --decrypt "$W/gpg.pgp"
  bench_check_roundtrip "$W/pt.out" || true
  bench_op sign-sha256 "$BENCH_BYTES" "$BENCH_IN" - "${GPG[@]}" --digest-algo SHA256 --yes -u "$fpr" -o "$W/gpg.sig" --detach-sign
  bench_op verify-sha256 "$BENCH_BYTES" "$BENCH_IN" - "${GPG[@]}" --verify "$W/cm.sig" -
  BENCH_IMPL=sqop
  bench_op verify-sha256 "$BENCH_BYTES" "$BENCH_IN" - sqop verify "$W/cm.sig" "$W/cm.cert"
  # With a baseline, the two builds take turns going first (by round), so neither always runs on a warmer cache.
  if [[ -n $CM_BASE ]] && ((BENCH_ROUND % 2 == 0)); then cm_signenc -base "$CM_BASE"; fi
  cm_signenc "" "$CM"
  if [[ -n $CM_BASE ]] && ((BENCH_ROUND % 2 == 1)); then cm_signenc -base "$CM_BASE"; fi
  if [[ -n $CM_AOT ]]; then cm_signenc -aot "$CM_AOT"; fi
}

cm_signenc() { # cm_signenc LABEL_SUFFIX "SOP COMMAND": job_signenc's cryptomail operations, with its key and files
  local suffix=$1 cm=$2 profile label
  for profile in rfc4880 rfc9580; do
    label=cryptomail-v1$suffix
    [[ $profile == rfc9580 ]] && label=cryptomail-v2-ocb$suffix
    BENCH_IMPL=$label
    bench_op sign+encrypt "$BENCH_BYTES" "$BENCH_IN" "$W/cm.pgp" $cm encrypt --no-armor --profile=$profile --sign-with "$W/cm.key" "$W/cm.cert"
    bench_op decrypt+verify "$BENCH_BYTES" "$W/cm.pgp" "$W/pt.out" "${fresh[@]}" "$W/verifications" $cm decrypt \
      --verifications-out "$W/verifications" --verify-with "$W/cm.cert" "$W/cm.key"
    bench_check_roundtrip "$W/pt.out" || true
    [[ -s $W/verifications ]] || bench_log "ERROR: $label decrypt+verify reported no verification"
  done
  BENCH_IMPL=cryptomail-v1$suffix
  bench_op sign-sha256 "$BENCH_BYTES" "$BENCH_IN" "$W/cm2.sig" $cm sign --no-armor "$W/cm.key"
  bench_op verify-sha256 "$BENCH_BYTES" "$BENCH_IN" - $cm verify "$W/cm.sig" "$W/cm.cert"
}

run_job() { # run_job JOB ROUND: rows to stdout, runs to BENCH_DETAIL
  local job=$1
  export BENCH_ROUND=$2
  case $job in
    gpg) GPG_VARIANTS=aes256 "$PEERS/bench-gpg.sh" "$SIZE" ;;
    sqop) "$PEERS/bench-sop.sh" sqop "$SIZE" ;;
    openpgpjs) OPENPGPJS_PROFILES="v4 v6" OPENPGPJS_MODES=stream node "$PEERS/bench-openpgpjs.mjs" "$SIZE" ;;
    cm-v1) BENCH_LABEL=cryptomail-v1 SOP_ENCRYPT_ARGS=--profile=rfc4880 "$PEERS/bench-sop.sh" "$CM" "$SIZE" ;;
    cm-v2) BENCH_LABEL=cryptomail-v2-ocb SOP_ENCRYPT_ARGS=--profile=rfc9580 "$PEERS/bench-sop.sh" "$CM" "$SIZE" ;;
    cm-v1-aot) BENCH_LABEL=cryptomail-v1-aot SOP_ENCRYPT_ARGS=--profile=rfc4880 "$PEERS/bench-sop.sh" "$CM_AOT" "$SIZE" ;;
    cm-v2-aot) BENCH_LABEL=cryptomail-v2-ocb-aot SOP_ENCRYPT_ARGS=--profile=rfc9580 "$PEERS/bench-sop.sh" "$CM_AOT" "$SIZE" ;;
    cm-v1-base) BENCH_LABEL=cryptomail-v1-base SOP_ENCRYPT_ARGS=--profile=rfc4880 "$PEERS/bench-sop.sh" "$CM_BASE" "$SIZE" ;;
    cm-v2-base) BENCH_LABEL=cryptomail-v2-ocb-base SOP_ENCRYPT_ARGS=--profile=rfc9580 "$PEERS/bench-sop.sh" "$CM_BASE" "$SIZE" ;;
    mimekit)
      MIMEKIT_LATENCY_SECONDS=$LATENCY_S BENCH_LATENCY_OUT=$WORK/mk-latency.tsv "$PEERS/bench-mimekit.sh" "$SIZE"
      latency_rows mimekit-pgpmime-aes256 "$2" <"$WORK/mk-latency.tsv"
      ;;
    cm-mime) (job_cm_mime) ;;
    signenc) (job_signenc) ;;
    *) die "unknown job $job (known: $JOBS_ALL)" ;;
  esac
}

read -r -a JOBS <<<"$JOBS_SEL"
for ((r = 1; r <= ROUNDS; r++)); do
  order=("${JOBS[@]}")
  if ((r % 2 == 0)); then
    order=()
    for ((i = ${#JOBS[@]} - 1; i >= 0; i--)); do order+=("${JOBS[i]}"); done
  fi
  for job in "${order[@]}"; do
    log "round $r/$ROUNDS: $job (load $(cut -d' ' -f1 /proc/loadavg))"
    run_job "$job" "$r" | sed "s/^/$r\t/" >>"$OUT/rows.tsv" || log "job $job failed (see above)"
  done
done

# ---------------------------------------------------------------- start-up of a short call
log "start-up: cryptomail sop version"
printf 'command\tmedian_ms\tmean_ms\tmin_ms\tmax_ms\truns\tcpu_ms\n' >"$OUT/startup.tsv"
startup() { # startup LABEL CMD...
  local label=$1
  shift
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N -w 3 -r "$STARTUP_RUNS" --export-csv "$WORK/hf.csv" "$*" >/dev/null 2>&1 || { log "hyperfine failed: $*"; return; }
    awk -F, -v OFS='\t' -v l="$label" -v n="$STARTUP_RUNS" 'NR == 2 { print l, $4 * 1000, $2 * 1000, $7 * 1000, $8 * 1000, n, ($5 + $6) * 1000 }' "$WORK/hf.csv"
  else
    local i t0 ts=()
    for ((i = 0; i < STARTUP_RUNS + 3; i++)); do
      t0=$EPOCHREALTIME
      "$@" >/dev/null 2>&1
      ((i >= 3)) && ts+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
    done
    printf '%s\n' "${ts[@]}" | sort -g | awk -v OFS='\t' -v l="$label" '{ v[NR] = $1; s += $1 }
      END { print l, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), s / NR, v[1], v[NR], NR, "-" }'
  fi
}
# shellcheck disable=SC2086
{
  startup "cryptomail sop version" $CM version
  if [[ -n $CM_AOT ]]; then startup "cryptomail (AOT) sop version" $CM_AOT version; fi
  if [[ -n $CM_BASE ]]; then startup "cryptomail (baseline) sop version" $CM_BASE version; fi
  startup "gpg --version" gpg --version
  startup "sqop version" sqop version
} >>"$OUT/startup.tsv"

}

# ---------------------------------------------------------------- summaries
if [[ $MEASURE == 1 ]]; then
  measure
  echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
else
  [[ -s $OUT/runs.tsv ]] || die "no runs.tsv in $OUT"
fi
"$PEERS/summarize.sh" "$OUT" >/dev/null

# Medians over all runs of all rounds, every op (summary.tsv has only the four SOP operations); MB/s per wall second
# and per CPU second (user+sys: what the process got from the cores, which contention distorts less).
awk -F'\t' -v OFS='\t' 'NR > 1 && $11 == 0 { k = $1 SUBSEP $3; n[k]++; w[k, n[k]] = $6; m[k, n[k]] = $9; u[k, n[k]] = $7 + $8; b[k] = $10 }
  NR > 1 && $11 != 0 { bad[$1 SUBSEP $3] = 1 }
  function med(a, k, c,   i, j, t, v) {
    for (i = 1; i <= c; i++) v[i] = a[k, i]
    for (i = 2; i <= c; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2 }
  END {
    for (k in n) { split(k, p, SUBSEP); wm = med(w, k, n[k]); um = med(u, k, n[k])
      print p[1], p[2], n[k], (b[k] > 0 ? sprintf("%.1f", b[k] / 1e6 / wm) : "-"), sprintf("%.0f", med(m, k, n[k]) / 1024), (k in bad) ? 1 : 0,
        (b[k] > 0 && um > 0 ? sprintf("%.1f", b[k] / 1e6 / um) : "-") } }' \
  "$OUT/runs.tsv" | sort | { printf 'impl\top\truns\tMBps\trss_MiB\tfailed\tcpu_MBps\n'; cat; } >"$OUT/medians.tsv"
awk -F'\t' -v OFS='\t' 'NR > 1 { k = $2 SUBSEP $3; n[k]++; v[k, n[k]] = $5 }
  END { for (k in n) { split(k, p, SUBSEP); c = n[k]
      for (i = 1; i <= c; i++) s[i] = v[k, i]
      for (i = 2; i <= c; i++) { t = s[i]; for (j = i - 1; j >= 1 && s[j] + 0 > t + 0; j--) s[j + 1] = s[j]; s[j + 1] = t }
      print p[1], p[2], (c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2) } }' "$OUT/latency.tsv" >"$OUT/latency-medians.tsv"

# targets.md: the issue's targets, one line each.
{
  setup=$(sed -n 's/^size_mib: \([0-9]*\), rounds: \([0-9]*\), runs per op per round: \([0-9]*\).*/\1 MiB, \2 round(s) x \3 run(s)/p' "$OUT/machine.txt")
  echo "### Targets of issue #7 ($setup, medians; $(sed -n 's/^date: //p' "$OUT/machine.txt"); $(grep '^load at' "$OUT/machine.txt" | paste -sd ';' | sed 's/;/; /g'))"
  echo
  echo "| target | cryptomail | peer | ratio (wall) | ratio (CPU) | goal | met |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  awk -F'\t' -v lat="$OUT/latency-medians.tsv" -v st="$OUT/startup.tsv" '
    BEGIN {
      while ((getline l < lat) > 0) { split(l, f, "\t"); L[f[1], f[2]] = f[3] }
      while ((getline l < st) > 0) { split(l, f, "\t"); S[f[1]] = f[2]; SC[f[1]] = f[7] }
    }
    NR > 1 { M[$1, $2] = $4; R[$1, $2] = $5; C[$1, $2] = $7; if ($6 == 1) M[$1, $2] = "FAIL" }
    function num(x) { return x ~ /^[0-9.]+$/ && x + 0 > 0 }
    function cell(i, o) { return ((i, o) in M) ? M[i, o] " MB/s (" R[i, o] " MiB)" : "-" }
    function line(name, oi, oo, pi, po, goal,   a, b, r, rc) {
      a = M[oi, oo]; b = M[pi, po]
      r = (num(a) && num(b)) ? a / b : ""
      rc = (num(C[oi, oo]) && num(C[pi, po])) ? sprintf("%.2fx", C[oi, oo] / C[pi, po]) : "-"
      printf "| %s | %s | %s: %s | %s | %s | >= %sx | %s |\n", name, cell(oi, oo), pi, cell(pi, po),
        r == "" ? "-" : sprintf("%.2fx", r), rc, goal, r == "" ? "not measured" : (r >= goal ? "met" : "no")
    }
    function absolute(name, oi, oo, goal,   a) {
      a = M[oi, oo]
      printf "| %s | %s | - | - | %s MB/s per CPU s | >= %s MB/s | %s |\n", name, cell(oi, oo), num(C[oi, oo]) ? C[oi, oo] : "-", goal,
        num(a) ? (a >= goal ? "met" : "no") : "not measured"
    }
    function rate(name, op, goal,   a, b, r) {
      a = L["cryptomail-pgpmime", op]; b = L["mimekit-pgpmime-aes256", op]
      r = (num(a) && num(b)) ? a / b : ""
      printf "| %s | %s msg/s | MimeKit: %s msg/s | %s | - | >= %sx | %s |\n", name, a == "" ? "-" : a, b == "" ? "-" : b,
        r == "" ? "-" : sprintf("%.2fx", r), goal, r == "" ? "not measured" : (r >= goal ? "met" : "no")
    }
    function ours(x, t) { # the targets our SOP tool is judged on; x: label suffix of the build, t: its note
      line("SEIPD v1 encrypt" t, "cryptomail-v1" x, "encrypt", "gpg-aes256", "encrypt", 1.5)
      line("SEIPD v1 decrypt" t, "cryptomail-v1" x, "decrypt", "gpg-aes256", "decrypt", 1.5)
      absolute("SEIPD v2 (OCB) encrypt" t, "cryptomail-v2-ocb" x, "encrypt", 1500)
      absolute("SEIPD v2 (OCB) decrypt" t, "cryptomail-v2-ocb" x, "decrypt", 1500)
      line("SEIPD v2 encrypt vs OpenPGP.js v6" t, "cryptomail-v2-ocb" x, "encrypt", "openpgpjs-v6-stream", "encrypt", 7)
      line("SEIPD v2 decrypt vs OpenPGP.js v6" t, "cryptomail-v2-ocb" x, "decrypt", "openpgpjs-v6-stream", "decrypt", 7)
      line("sign, SHA-256 both" t, "cryptomail-v1" x, "sign-sha256", "gpg-aes256", "sign-sha256", 1.0)
      line("verify, same SHA-256 signature" t, "cryptomail-v1" x, "verify-sha256", "sqop", "verify-sha256", 1.0)
      line("sign+encrypt (SEIPD v1)" t, "cryptomail-v1" x, "sign+encrypt", "gpg-aes256", "sign+encrypt", 1.5)
      line("sign+encrypt (SEIPD v2)" t, "cryptomail-v2-ocb" x, "sign+encrypt", "gpg-aes256", "sign+encrypt", 1.5)
      line("decrypt+verify (SEIPD v1)" t, "cryptomail-v1" x, "decrypt+verify", "gpg-aes256", "decrypt+verify", 1.0)
    }
    END {
      ours("", "")
      if (("cryptomail-v1-aot", "encrypt") in M || ("cryptomail-v2-ocb-aot", "encrypt") in M || ("cryptomail-v1-aot", "sign-sha256") in M) ours("-aot", " (native AOT)")
      if (("cryptomail-v1-base", "encrypt") in M || ("cryptomail-v2-ocb-base", "encrypt") in M || ("cryptomail-v1-base", "sign-sha256") in M) ours("-base", " (baseline build)")
      rate("PGP/MIME 10 KiB sign+encrypt", "sign+encrypt", 5)
      rate("PGP/MIME 10 KiB decrypt+verify", "decrypt+verify", 5)
      line("PGP/MIME attachment sign+encrypt", "cryptomail-pgpmime", "encrypt", "mimekit-pgpmime-aes256", "encrypt", 10)
      line("PGP/MIME attachment decrypt+verify", "cryptomail-pgpmime", "decrypt", "mimekit-pgpmime-aes256", "decrypt", 10)
      for (o = 0; o < 2; o++) {
        op = o ? "decrypt" : "encrypt"; rr = R["cryptomail-pgpmime", op]
        printf "| PGP/MIME attachment %s peak RSS | %s MiB | MimeKit: %s MiB | - | - | <= 150 MiB | %s |\n", op,
          rr == "" ? "-" : rr, R["mimekit-pgpmime-aes256", op] == "" ? "-" : R["mimekit-pgpmime-aes256", op],
          rr == "" ? "not measured" : (rr + 0 <= 150 ? "met" : "no")
      }
      s = S["cryptomail sop version"]
      printf "| `cryptomail sop version` median | %s ms (CPU %s ms) | gpg --version: %s ms, sqop version: %s ms | - | - | <= 100 ms | %s |\n",
        s == "" ? "-" : sprintf("%.1f", s), SC["cryptomail sop version"] ~ /^[0-9.]+$/ ? sprintf("%.0f", SC["cryptomail sop version"]) : "-", S["gpg --version"] == "" ? "-" : sprintf("%.1f", S["gpg --version"]),
        S["sqop version"] == "" ? "-" : sprintf("%.1f", S["sqop version"]), s == "" ? "not measured" : (s + 0 <= 100 ? "met" : "no")
      s = S["cryptomail (baseline) sop version"]
      if (s != "")
        printf "| `cryptomail sop version` median, baseline build | %.1f ms (CPU %s ms) | - | - | - | <= 100 ms | %s |\n", s,
          SC["cryptomail (baseline) sop version"] ~ /^[0-9.]+$/ ? sprintf("%.0f", SC["cryptomail (baseline) sop version"]) : "-", s + 0 <= 100 ? "met" : "no"
      s = S["cryptomail (AOT) sop version"]
      if (s != "")
        printf "| `cryptomail sop version` median, native AOT build | %.1f ms (CPU %s ms) | - | - | - | <= 100 ms | %s |\n", s,
          SC["cryptomail (AOT) sop version"] ~ /^[0-9.]+$/ ? sprintf("%.0f", SC["cryptomail (AOT) sop version"]) : "-", s + 0 <= 100 ? "met" : "no"
    }' "$OUT/medians.tsv"
  echo
  echo "Peak RSS in parentheses (median). Every operation is one fresh process (start-up included). \"met\" judges the wall-clock"
  echo "ratio; the CPU ratio compares MB per CPU-second (user+sys) and is steadier on a busy machine, but flatters a tool"
  echo "that uses more than one core. The 10 KiB rates are in-process, one thread, after warm-up. Peers' full tables:"
  echo "summary.md; every run: runs.tsv."
} >"$OUT/targets.md"

cat "$OUT/targets.md"
echo
cat "$OUT/summary.md"
log "results in $OUT (targets.md, summary.md, medians.tsv, runs.tsv, startup.tsv, latency.tsv)"
