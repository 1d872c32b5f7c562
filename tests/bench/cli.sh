#!/usr/bin/env bash
# Times whole CLI runs of the national scenario (scenarios/poland-synthetic.yaml) with
# hyperfine at several scales and thread counts, and prints wall time (median), person-steps
# per second, peak memory (/usr/bin/time -v), the share of output and network metrics in the
# run (from --profile), and the ratios of issue 5 (1 -> 2 threads, scale 4 / scale 1).
#
#   tests/bench/cli.sh [build-dir]            default build/release (configure it Release)
#   SCALES="0.1 1" THREADS="1 2" STEPS=120 RUNS=3 tests/bench/cli.sh build/release
#
# Not part of the test suite: it measures, it asserts nothing. The machine is shared and
# noisy: check `uptime` first and quote the load with the figures (docs/PERFORMANCE.md).
set -euo pipefail

cd "$(dirname "$0")/../.."
build="${1:-build/release}"
bin="$build/app/partnersim"
scales="${SCALES:-0.1 1 4}"
threads_list="${THREADS:-1 2}"
steps="${STEPS:-120}"
runs="${RUNS:-3}"
people_at_scale_1=2500000

for tool in hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "cli.sh: $tool is missing (apt-get install hyperfine time)" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "cli.sh: no $bin; build the partnersim target in $build first" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $bin; steps: $steps; hyperfine runs per case: $runs"
printf '%-6s %-7s %12s %12s %18s %12s %9s %9s\n' scale threads "median s" "mean s" "person-steps/s" "peak MB" "output%" "network%"

declare -A median
for scale in $scales; do
  scenario="$work/poland-$scale.yaml"
  sed "s/^  scale: 1 /  scale: $scale /" scenarios/poland-synthetic.yaml >"$scenario"
  grep -q "^  scale: $scale " "$scenario" || { echo "cli.sh: could not set the scale in $scenario" >&2; exit 2; }
  for t in $threads_list; do
    out="$work/out-$scale-$t.h5"
    hyperfine --style none --runs "$runs" --warmup 0 --export-csv "$work/h.csv" \
      "$bin run $scenario --steps $steps --threads $t -o $out --force -q" >/dev/null
    med="$(awk -F, 'NR == 2 {print $4}' "$work/h.csv")"
    mean="$(awk -F, 'NR == 2 {print $2}' "$work/h.csv")"
    median["$scale/$t"]="$med"
    # One more run for peak memory and the phase profile.
    /usr/bin/time -v "$bin" run "$scenario" --steps "$steps" --threads "$t" -o "$out" --force -q --profile \
      >"$work/profile.txt" 2>"$work/time.txt"
    peak_kb="$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")"
    output_share="$(awk '$1 ~ /^output\// && $1 != "output/writer" {s += $2} END {printf "%.4f", s}' "$work/profile.txt")"
    run_s="$(sed -n 's/.*run \([0-9.]*\) s.*/\1/p' "$work/profile.txt")"
    output_pct="$(awk -v s="$output_share" -v r="$run_s" 'BEGIN {printf "%.1f", (r > 0 ? 100 * s / r : 0)}')"
    network_pct="$(awk -v r="$run_s" '$1 == "observe/network" {printf "%.1f", (r > 0 ? 100 * $2 / r : 0)}' "$work/profile.txt")"
    people="$(awk -v p="$people_at_scale_1" -v s="$scale" 'BEGIN {printf "%.0f", p * s}')"
    rate="$(awk -v p="$people" -v n="$steps" -v m="$med" 'BEGIN {printf "%.3g", p * n / m}')"
    printf '%-6s %-7s %12.2f %12.2f %18s %12.0f %9s %9s\n' "$scale" "$t" "$med" "$mean" "$rate" \
      "$(awk -v k="$peak_kb" 'BEGIN {print k / 1024}')" "${output_pct:-?}" "${network_pct:-?}"
    rm -f "$out"
  done
done

echo
echo "ratios (medians):"
for scale in $scales; do
  if [ -n "${median[$scale/1]:-}" ] && [ -n "${median[$scale/2]:-}" ]; then
    awk -v a="${median[$scale/1]}" -v b="${median[$scale/2]}" -v s="$scale" \
      'BEGIN {printf "  speed-up 1 -> 2 threads at scale %s: %.2fx (target >= 1.7x)\n", s, a / b}'
  fi
done
for t in $threads_list; do
  if [ -n "${median[1/$t]:-}" ] && [ -n "${median[4/$t]:-}" ]; then
    awk -v a="${median[1/$t]}" -v b="${median[4/$t]}" -v t="$t" \
      'BEGIN {printf "  scale 4 / scale 1 with %s thread(s): %.2fx (target <= 4.6x)\n", t, b / a}'
  fi
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
