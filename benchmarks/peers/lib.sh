# Timing helpers for the peer benchmark scripts beside this file and for benchmarks/compare.sh (sourced).
# Every operation is one fresh process under GNU time: wall time from bash's clock, user and system CPU and the peak
# resident set from time(1). An operation runs BENCH_RUNS times; rows report medians.
#
# Environment: BENCH_RUNS (3), BENCH_ROUND (1), BENCH_INPUT (an existing input of the right size; else one is made),
# BENCH_WORKDIR (parent of the scratch folder), BENCH_DETAIL (append every run to this TSV), BENCH_NO_HEADER=1,
# BENCH_CLEANUP_HOOK (a function run before the scratch folder is removed).
set -o pipefail

BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_ROUND=${BENCH_ROUND:-1}
BENCH_TIME=${BENCH_TIME:-/usr/bin/time}
# One row per implementation (the scripts print it) and one line per timed run (BENCH_DETAIL).
BENCH_COLUMNS=(impl version size_mib runs startup_s keygen_s encrypt_MBps encrypt_rss_MiB decrypt_MBps decrypt_rss_MiB
  sign_MBps sign_rss_MiB verify_MBps verify_rss_MiB ct_overhead_bytes sig_bytes notes)
BENCH_DETAIL_COLUMNS=(impl size_mib op round run wall_s user_s sys_s maxrss_kib bytes rc load1)

bench_log() { printf '[%s] %s\n' "${BENCH_IMPL:-bench}" "$*" >&2; }
bench_die() { bench_log "ERROR: $*"; exit 1; }
bench_filesize() { stat -c %s "$1"; }
bench_header() { [[ ${BENCH_NO_HEADER:-0} == 1 ]] || (IFS=$'\t'; echo "${BENCH_COLUMNS[*]}"); }
bench_row() { local IFS=$'\t'; local f=("${@//$'\t'/ }"); echo "${f[*]//$'\n'/ }"; }

# bench_make_input FILE MIB: incompressible, and the same on every machine (AES-CTR keystream of a fixed key).
bench_make_input() {
  head -c $(($2 * 1048576)) /dev/zero \
    | openssl enc -aes-128-ctr -nosalt -K 0f0e0d0c0b0a09080706050403020100 -iv 0 >"$1" 2>/dev/null \
    || bench_die "cannot make the input $1"
}

# bench_setup MIB: sets BENCH_SIZE_MIB, BENCH_BYTES, BENCH_WORK (scratch, removed at exit) and BENCH_IN.
bench_setup() {
  BENCH_SIZE_MIB=${1:-256}
  [[ $BENCH_SIZE_MIB =~ ^[1-9][0-9]*$ ]] || bench_die "size must be a positive number of MiB, not '$BENCH_SIZE_MIB'"
  BENCH_BYTES=$((BENCH_SIZE_MIB * 1048576))
  mkdir -p "${BENCH_WORKDIR:-${TMPDIR:-/tmp}}"
  BENCH_WORK=$(mktemp -d "${BENCH_WORKDIR:-${TMPDIR:-/tmp}}/bench.XXXXXX")
  trap bench_cleanup EXIT
  if [[ -n ${BENCH_INPUT:-} ]]; then
    [[ $(bench_filesize "$BENCH_INPUT") == "$BENCH_BYTES" ]] || bench_die "BENCH_INPUT is not $BENCH_SIZE_MIB MiB"
    BENCH_IN=$BENCH_INPUT
  else
    BENCH_IN=$BENCH_WORK/input.bin
    bench_make_input "$BENCH_IN" "$BENCH_SIZE_MIB"
  fi
}
bench_cleanup() {
  [[ -z ${BENCH_CLEANUP_HOOK:-} ]] || "$BENCH_CLEANUP_HOOK" || true
  [[ -z ${BENCH_WORK:-} ]] || rm -rf -- "$BENCH_WORK"
}

# bench_once IN OUT COMMAND...: one timed run ("-" for no input or output); sets RUN_WALL RUN_USER RUN_SYS
# RUN_RSS_KIB RUN_RC RUN_LOAD1.
bench_once() {
  local in=$1 out=$2 started
  shift 2
  [[ $in != - ]] || in=/dev/null
  [[ $out != - ]] || out=/dev/null
  read -r RUN_LOAD1 _ </proc/loadavg
  started=$EPOCHREALTIME
  "$BENCH_TIME" -o "$BENCH_WORK/time.txt" -f '%U %S %M' "$@" <"$in" >"$out" 2>"$BENCH_WORK/stderr.txt"
  RUN_RC=$?
  RUN_WALL=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f", b - a }')
  read -r RUN_USER RUN_SYS RUN_RSS_KIB < <(tail -n 1 "$BENCH_WORK/time.txt")
}

median() { sort -g | awk '{ v[NR] = $1 } END { print NR == 0 ? "nan" : (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# bench_op OP BYTES IN OUT COMMAND...: BENCH_RUNS timed runs (stops at the first failure); sets OP_OK, OP_WALL,
# OP_MBPS and OP_RSS_MIB (FAIL after a failure).
bench_op() {
  local op=$1 bytes=$2 in=$3 out=$4 i walls=() rss=()
  shift 4
  OP_OK=1
  for ((i = 1; i <= BENCH_RUNS; i++)); do
    bench_once "$in" "$out" "$@"
    walls+=("$RUN_WALL") rss+=("$RUN_RSS_KIB")
    bench_log "$op run $i: ${RUN_WALL}s wall, ${RUN_USER}s user, ${RUN_SYS}s sys, $((RUN_RSS_KIB / 1024)) MiB peak"
    [[ -z ${BENCH_DETAIL:-} ]] || printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$BENCH_IMPL" "$BENCH_SIZE_MIB" \
      "$op" "$BENCH_ROUND" "$i" "$RUN_WALL" "$RUN_USER" "$RUN_SYS" "$RUN_RSS_KIB" "$bytes" "$RUN_RC" "$RUN_LOAD1" >>"$BENCH_DETAIL"
    if [[ $RUN_RC != 0 ]]; then
      OP_OK=0
      bench_log "$op FAILED (exit $RUN_RC): $(head -c 300 "$BENCH_WORK/stderr.txt" | tr '\n' ' ')"
      break
    fi
  done
  OP_WALL=$(printf '%s\n' "${walls[@]}" | median)
  if [[ $OP_OK == 1 ]]; then
    OP_MBPS=$(awk -v b="$bytes" -v s="$OP_WALL" 'BEGIN { printf "%.1f", b / 1e6 / s }')
    OP_RSS_MIB=$(printf '%s\n' "${rss[@]}" | median | awk '{ printf "%.0f", $1 / 1024 }')
  else
    OP_MBPS=FAIL OP_RSS_MIB=FAIL
  fi
}

# bench_check_roundtrip FILE: the decrypted FILE must equal the input.
bench_check_roundtrip() {
  cmp -s "$1" "$BENCH_IN" && return 0
  bench_log "ERROR: the decrypted output differs from the input ($(bench_filesize "$1") bytes, $BENCH_BYTES expected)"
  return 1
}
