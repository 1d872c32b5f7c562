#!/usr/bin/env bash
# Benchmarks of `partnersim batch` (docs/PERFORMANCE.md, "Batch runs"); not tests.
#   scripts/bench-batch.sh [BUILD_DIR] [overhead|by-hand|memory|mpi|all]
# Needs a Release build (default build/release) and hyperfine; mpi also needs mpirun.
# Writes into a temporary folder, prints figures and the load average before each.
set -euo pipefail

cd "$(dirname "$0")/.."
build="${1:-build/release}"
what="${2:-all}"
B="$(realpath "$build/app/partnersim")"
repo="$(pwd)"
work="$(mktemp -d /tmp/partnersim-bench-XXXXXX)"
trap 'rm -rf "$work"' EXIT
mpirun_cmd=(mpirun --allow-run-as-root --oversubscribe)

load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }

# A sweep of `runs` Sopot runs of `steps` months (default 120): 100 Latin-hypercube points x
# runs/100 replicates; two metrics gathered into the index, or every metric with "all".
sopot_sweep() {
  local runs="$1" file="$2" steps="${3:-120}" metrics="${4:-two}"
  cat >"$file" <<EOF
scenario: $repo/scenarios/sopot.yaml
seed: 1
steps: $steps
replicates: $((runs / 100))
design: latin_hypercube
points: 100
parameters:
  reintegration.referral_rate: {min: 0.02, max: 0.10, unit: 1/month}
  cooperatives.failure_hazard: {min: 0.005, max: 0.03, unit: 1/month}
EOF
  if [ "$metrics" != all ]; then echo "metrics: [people_employed_social, cooperatives_active]" >>"$file"; fi
}

overhead() {
  echo "== 1,000 Sopot runs (120 steps), --jobs 2, against 1,000 single runs / 2"
  load
  hyperfine --warmup 2 --runs 15 --export-json "$work/single.json" \
    "$B run $repo/scenarios/sopot.yaml --replicates 1 --steps 120 --threads 1 -o $work/one.h5 --force --quiet"
  local single
  single=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/single.json'))['results'][0]['median'])")
  /usr/bin/python3 -c "import json; r = json.load(open('$work/single.json'))['results'][0]; print('single run: median', r['median'], 's, mean user', r['user'], 's, mean system', r['system'], 's')"
  sopot_sweep 1000 "$work/s1000.yaml"
  load
  /usr/bin/time -f "batch wall %e s, user %U s, system %S s, max RSS %M KB" "$B" batch "$work/s1000.yaml" -o "$work/s1000" --jobs 2 --quiet
  echo "single run median ${single} s -> 1,000 x single / 2 = $(/usr/bin/python3 -c "print(round(1000*$single/2, 1))") s"
  load
}

# The same 200 runs by hand (two processes at a time) and as a batch, back to back, so that
# both see the same load on a shared machine.
by_hand() {
  sopot_sweep 200 "$work/s200h.yaml"
  for round in 1 2; do
    load
    rm -rf "$work/hand" "$work/s200h"
    mkdir -p "$work/hand"
    /usr/bin/time -f "round $round: 200 single runs, 2 at a time (xargs -P 2): wall %e s, user %U s, system %S s" \
      bash -c "seq 0 199 | xargs -P 2 -I{} $B run $repo/scenarios/sopot.yaml --replicates 1 --steps 120 --threads 1 \
        --seed {} -o $work/hand/{}.h5 --quiet"
    /usr/bin/time -f "round $round: batch of 200 runs, --jobs 2: wall %e s, user %U s, system %S s" \
      "$B" batch "$work/s200h.yaml" -o "$work/s200h" --jobs 2 --quiet
  done
}

# Peak of the summed resident memory (KB) of PID and all its descendants (the batch and its
# worker processes), sampled every 0.2 s until PID exits. /usr/bin/time's "max RSS" is that of
# the largest single process only.
peak_tree_rss() {
  local pid="$1" peak=0 total p r
  tree() { echo "$1"; for c in $(pgrep -P "$1"); do tree "$c"; done; }
  while kill -0 "$pid" 2>/dev/null; do
    total=0
    for p in $(tree "$pid"); do
      r=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || true)
      total=$((total + ${r:-0}))
    done
    ((total > peak)) && peak=$total
    sleep 0.2
  done
  echo "$peak"
}

# The same Sopot sweep (100 months, every metric gathered into the index) at 100 and 10,000
# runs: 100 Latin-hypercube points x 1 or 100 replicates.
memory() {
  for runs in 100 10000; do
    echo "== Sopot (100 months), $runs runs, --jobs 2"
    sopot_sweep "$runs" "$work/m$runs.yaml" 100 all
    load
    /usr/bin/time -f "$runs runs: wall %e s, user %U s, system %S s, max RSS of one process %M KB" \
      "$B" batch "$work/m$runs.yaml" -o "$work/m$runs" --jobs 2 --quiet &
    echo "$runs runs: peak RSS of the batch and its workers together $(peak_tree_rss $!) KB"
    wait
    load
  done
}

mpi() {
  sopot_sweep 1000 "$work/s1000m.yaml"
  for ranks in 1 2; do
    echo "== 1,000 Sopot runs, mpirun -n $ranks"
    load
    rm -rf "$work/mpi$ranks"
    /usr/bin/time -f "$ranks rank(s): wall %e s, user %U s, system %S s" "${mpirun_cmd[@]}" -n "$ranks" "$B" batch "$work/s1000m.yaml" \
      -o "$work/mpi$ranks" --quiet
  done
}

case "$what" in
  overhead) overhead ;;
  by-hand) by_hand ;;
  memory) memory ;;
  mpi) mpi ;;
  all) overhead; by_hand; memory; mpi ;;
  *) echo "unknown benchmark $what" >&2; exit 2 ;;
esac
uname -srm
grep -m1 "model name" /proc/cpuinfo
nproc
