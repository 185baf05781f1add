#!/usr/bin/env bash
# Summarizes a results folder of benchmarks/compare.sh: medians over every run of every round, per implementation and
# operation, from DIR/runs.tsv (lib.sh's BENCH_DETAIL_COLUMNS). Writes DIR/summary.tsv and DIR/summary.md (MB/s with
# the median peak RSS, the min-max spread of MB/s, and the runs that failed).
#
# Usage: benchmarks/peers/summarize.sh DIR
set -euo pipefail
DIR=${1:?usage: summarize.sh DIR}
[[ -s $DIR/runs.tsv ]] || { echo "summarize.sh: no $DIR/runs.tsv" >&2; exit 1; }

# impl op runs median_MBps min_MBps max_MBps median_rss_MiB failed
awk -F'\t' -v OFS='\t' '
  function sort(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
  function med(a, n) { return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  NR == 1 { next }
  $10 == 0 { next }                              # start-up and key generation carry no data
  { k = $1 SUBSEP $3; if (!(k in n)) order[++keys] = k }
  $11 != 0 { failed[k]++; n[k] += 0; next }
  { n[k]++; mbps[k, n[k]] = $10 / 1e6 / $6; rss[k, n[k]] = $9 / 1024 }
  END {
    print "impl", "op", "runs", "median_MBps", "min_MBps", "max_MBps", "median_rss_MiB", "failed"
    for (i = 1; i <= keys; i++) {
      k = order[i]; split(k, p, SUBSEP); c = n[k]
      if (c == 0) { print p[1], p[2], 0, "-", "-", "-", "-", failed[k] + 0; continue }
      delete m; delete r
      for (j = 1; j <= c; j++) { m[j] = mbps[k, j]; r[j] = rss[k, j] }
      sort(m, c); sort(r, c)
      printf "%s\t%s\t%d\t%.1f\t%.1f\t%.1f\t%.0f\t%d\n", p[1], p[2], c, med(m, c), m[1], m[c], med(r, c), failed[k] + 0
    }
  }' "$DIR/runs.tsv" | { read -r header; echo "$header"; sort -t $'\t' -k1,1 -k2,2; } >"$DIR/summary.tsv"

{
  echo "### Throughput (MB/s, median over all runs; peak RSS in MiB; min-max MB/s)"
  echo
  echo "| implementation | operation | runs | MB/s | peak RSS | spread | failed runs |"
  echo "|---|---|---:|---:|---:|---|---:|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s-%s | %s |\n", $1, $2, $3, $4, $7, $5, $6, $8 }' "$DIR/summary.tsv"
  echo
  echo "Every operation is one fresh process (start-up included); MB/s = plaintext octets / 1e6 / wall seconds."
} >"$DIR/summary.md"
echo "$DIR/summary.md"
