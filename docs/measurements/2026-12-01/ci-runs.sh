#!/usr/bin/env bash
# Issue 12's acceptance run: N consecutive fresh-clone runs of .ci/run, the first LOADED of them while two CPU-bound
# busy loops run. Usage: ci-runs.sh REPO COMMIT N LOADED OUTDIR
# Each run: git clone REPO into a new directory, check out COMMIT, `CI=true bash .ci/run </dev/null`; the wall time,
# exit code and the soak lines (MEMORY/soak figures printed by the tests) go to OUTDIR/summary.tsv, the log to
# OUTDIR/run-K.log.
set -uo pipefail
repo=$1 commit=$2 n=$3 loaded=$4 out=$5
mkdir -p "$out"
printf 'run\tload\tstart\twall_s\texit\ttests\n' > "$out/summary.tsv"
for k in $(seq 1 "$n"); do
  dir=$(mktemp -d /tmp/ci-run-XXXX)
  git clone -q "$repo" "$dir/repo" && git -C "$dir/repo" checkout -q "$commit"
  load=quiet pids=()
  if (( k <= loaded )); then
    load=loaded
    for _ in 1 2; do sh -c 'while :; do :; done' & pids+=($!); done
  fi
  start=$(date -u +%H:%M:%S) t0=$(date +%s)
  (cd "$dir/repo" && CI=true bash .ci/run </dev/null >"$out/run-$k.log" 2>&1)
  rc=$?
  wall=$(( $(date +%s) - t0 ))
  for p in "${pids[@]}"; do kill "$p"; done
  tests=$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' \
    "$out/run-$k.log" | awk -F'[:,]' '{t+=$2; f+=$4+$6; s+=$8} END {print t" run, "f" failed, "s" skipped"}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$load" "$start" "$wall" "$rc" "$tests" | tee -a "$out/summary.tsv"
  grep -hE 'soak|MEMORY|B/call' "$out/run-$k.log" | grep -v '^\[INFO\] Running' > "$out/run-$k.soak.txt" || true
  rm -rf "$dir"
done
