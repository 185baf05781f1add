#!/usr/bin/env bash
# Fuzzes the readers of attacker bytes with AFL++ through SharpFuzz (CryptoMail.Core.dll instrumented), or replays
# the committed inputs in process.
#
# Usage: eng/fuzz.sh [target|all] [seconds]     fuzz one target, or every target in turn, for that many seconds each
#        eng/fuzz.sh replay [target|all]         every committed input (corpus/ and crashes/) through its target, no AFL
# Targets: `dotnet run --project tests/CryptoMail.Fuzz -- list`.  Default: all, 30 seconds.
# Environment: FUZZ_OUT (default artifacts/fuzz): AFL++'s output, one folder per target (queue, crashes, hangs).
# Fails (exit 1) on a crash (an exception outside the public hierarchy, CryptoMailInternalException, a broken
# contract) or a hang (an input over 10 s); the inputs are left in $FUZZ_OUT/<target>/default/{crashes,hangs}.
# To keep a finding: copy the input to tests/CryptoMail.Fuzz/crashes/<target>/ (the replay test runs it), add a
# regression test through the public API, and fix the parser.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FUZZ="$ROOT/tests/CryptoMail.Fuzz"
OUT="${FUZZ_OUT:-$ROOT/artifacts/fuzz}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

if [ "${1:-}" = "replay" ]; then
  dotnet build "$FUZZ" -c Release -v quiet -nologo >/dev/null
  exec dotnet "$FUZZ/bin/Release/net10.0/CryptoMail.Fuzz.dll" replay "${2:-all}"
fi

WHICH="${1:-all}"
SECONDS_EACH="${2:-30}"
case "$SECONDS_EACH" in ''|*[!0-9]*) echo "seconds must be a whole number: $SECONDS_EACH" >&2; exit 2 ;; esac

if ! command -v afl-fuzz >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "installing afl++"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi

# The plain build lists the targets and reproduces findings; a copy of it, whose CryptoMail.Core.dll is instrumented
# in place, runs under afl-fuzz (instrumented code only runs under afl-fuzz: it writes to AFL's shared memory).
dotnet build "$FUZZ" -c Release -v quiet -nologo >/dev/null
PLAIN="$FUZZ/bin/Release/net10.0"
BIN="$OUT/bin"
rm -rf "$BIN"
mkdir -p "$BIN"
cp -r "$PLAIN/." "$BIN/"
dotnet tool restore >/dev/null
dotnet tool run sharpfuzz "$BIN/CryptoMail.Core.dll" >/dev/null
echo "instrumented $BIN/CryptoMail.Core.dll"

mapfile -t ALL < <(dotnet "$PLAIN/CryptoMail.Fuzz.dll" list)
if [ "$WHICH" = all ]; then TARGETS=("${ALL[@]}")
elif printf '%s\n' "${ALL[@]}" | grep -qx -- "$WHICH"; then TARGETS=("$WHICH")
else echo "unknown target $WHICH; targets: ${ALL[*]}" >&2; exit 2
fi

# The .NET runtime is no AFL-instrumented binary (SharpFuzz reports coverage itself); dotnet starts slowly; the
# machine's cores are shared, so no core binding; crashes are reported by SharpFuzz, not by core dumps.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_FORKSRV_INIT_TMOUT=60000 AFL_MAP_SIZE=65536

failed=0
printf '%-13s %8s %10s %8s %6s %6s\n' target seconds execs execs/s crashes hangs
for t in "${TARGETS[@]}"; do
  dir="$OUT/$t"
  rm -rf "$dir"
  log="$OUT/$t.log"
  # -t 10000: an input over 10 s is a hang. -m none: the runtime maps far more than AFL's default memory bound.
  if ! afl-fuzz -i "$FUZZ/corpus/$t" -o "$dir" -t 10000 -m none -V "$SECONDS_EACH" -- \
       dotnet "$BIN/CryptoMail.Fuzz.dll" afl "$t" > "$log" 2>&1; then
    echo "afl-fuzz failed for $t (see $log):" >&2; tail -n 20 "$log" >&2; failed=1; continue
  fi
  stats="$dir/default/fuzzer_stats"
  stat() { sed -n "s/^$1 *: *//p" "$stats"; }
  crashes="$(stat saved_crashes)"; hangs="$(stat saved_hangs)"
  printf '%-13s %8s %10s %8s %6s %6s\n' "$t" "$(stat run_time)" "$(stat execs_done)" "$(stat execs_per_sec)" "$crashes" "$hangs"
  if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
    failed=1
    shown=0
    for f in "$dir"/default/crashes/id* "$dir"/default/hangs/id*; do
      [ -e "$f" ] || continue
      shown=$((shown + 1))
      [ "$shown" -le 5 ] || { echo "  (more findings in $dir/default)"; break; }
      echo "  finding: $f"
      # What escaped, replayed in the plain build (a hang shows as ok or refused here: it is a matter of time).
      dotnet "$PLAIN/CryptoMail.Fuzz.dll" run "$t" "$f" 2>&1 | sed -n '1,6p' | sed 's/^/    /' || true
    done
  fi
done
[ "$failed" = 0 ] || { echo "fuzzing found crashes or hangs (inputs under $OUT)" >&2; exit 1; }
echo "no crash, no hang"
