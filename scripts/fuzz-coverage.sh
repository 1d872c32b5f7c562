#!/usr/bin/env bash
# Source coverage of a fuzz corpus as it grew: is coverage still rising, and where?
#
#   scripts/fuzz-coverage.sh TARGET CORPUS CUTOFF...
#   e.g. scripts/fuzz-coverage.sh scenario build/fuzz/corpus/scenario "2026-11-22 09:00" "2026-11-22 12:00"
#
# libFuzzer never deletes a corpus file, so the files written up to a time are the corpus
# as it was then. For each CUTOFF (any `date -d` time, ascending; "now" for all), this runs
# the seeds plus every corpus file written up to it through fuzz_TARGET built with clang's
# source-based coverage (build/fuzzcov, configured here), and prints the line and region
# coverage of the scenario parser (sim/scenario), of the sweep parser (sim/batch) and of the
# rest of the code in the harness (engine and models), from llvm-cov. Each file runs once: the
# runs of the slices between cutoffs are merged cumulatively. The last cutoff's profile is
# kept in build/fuzzcov/TARGET.profdata, to see what is still missed:
#   llvm-cov show build/fuzzcov/fuzz/fuzz_TARGET -instr-profile=build/fuzzcov/TARGET.profdata sim/scenario
set -euo pipefail

cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz-coverage.sh TARGET CORPUS CUTOFF...}"
corpus="${2:?usage: scripts/fuzz-coverage.sh TARGET CORPUS CUTOFF...}"
shift 2
[ $# -gt 0 ] || { echo "fuzz-coverage.sh: give at least one cutoff time" >&2; exit 2; }
[ -d "$corpus" ] || { echo "fuzz-coverage.sh: no corpus folder \"$corpus\"" >&2; exit 2; }
. scripts/fuzz-seeds.sh
fuzz_seeds "$target" fuzz-coverage.sh

build=build/fuzzcov
flags="-fprofile-instr-generate -fcoverage-mapping"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DPARTNERSIM_FUZZ=ON \
  -DPARTNERSIM_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" "${launcher[@]}" >/dev/null
cmake --build "$build" -j "${PARTNERSIM_BUILD_JOBS:-2}" --target "fuzz_$target" >/dev/null
binary="$build/fuzz/fuzz_$target"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Runs the inputs in folder $1 once each; their raw profile goes to $2.
run_inputs() {
  LLVM_PROFILE_FILE="$2" ASAN_OPTIONS=detect_leaks=0 "$binary" -runs=0 -rss_limit_mb=4096 -timeout=600 \
    "$1" >"$work/log" 2>&1 || { echo "fuzz-coverage.sh: replaying $1 failed:" >&2; tail -5 "$work/log" >&2; exit 1; }
}
# One line: lines and regions covered in the files whose path matches (or, with "!", does
# not match) the pattern, summed from llvm-cov's per-file rows.
summary() {
  llvm-cov report "$binary" -instr-profile="$work/merged.profdata" 2>/dev/null | awk -v pattern="$1" -v negate="${2:-}" '
    NR > 2 && $1 != "TOTAL" && NF >= 10 && $1 !~ /^-/ && (($1 ~ pattern) != (negate == "!")) {
      regions += $2; missed_regions += $3; lines += $8; missed_lines += $9 }
    END { if (lines == 0) { printf "not in this harness"; exit }
          printf "lines %d/%d (%.2f%%), regions %d/%d (%.2f%%)", lines - missed_lines, lines,
          100 * (lines - missed_lines) / lines, regions - missed_regions, regions,
          100 * (regions - missed_regions) / regions }'
}

mkdir "$work/seeds"
for s in "${seeds[@]}"; do find "$s" -maxdepth 1 -type f -exec cp -t "$work/seeds" {} +; done
run_inputs "$work/seeds" "$work/0.profraw"
profiles=("$work/0.profraw")
previous=""
i=0
for cutoff in "$@"; do
  i=$((i + 1))
  until_s=$(date -d "$cutoff" +%s)
  slice="$work/slice$i"
  mkdir "$slice"
  count=0
  while IFS= read -r -d '' f; do
    m=$(stat -c %Y "$f")
    if [ "$m" -le "$until_s" ] && { [ -z "$previous" ] || [ "$m" -gt "$previous" ]; }; then
      ln "$f" "$slice/" 2>/dev/null || cp "$f" "$slice/"
      count=$((count + 1))
    fi
  done < <(find "$corpus" -maxdepth 1 -type f -print0)
  if [ "$count" -gt 0 ]; then
    run_inputs "$slice" "$work/$i.profraw"
    profiles+=("$work/$i.profraw")
  fi
  previous=$until_s
  total=$(find "$corpus" -maxdepth 1 -type f -newermt "@0" ! -newermt "@$until_s" | wc -l)
  llvm-profdata merge -sparse "${profiles[@]}" -o "$work/merged.profdata"
  echo "up to $(date -u -d "@$until_s" +%FT%TZ): $total corpus files (+$count)"
  echo "  scenario parser, validator, generator (sim/scenario): $(summary '^sim/scenario/')"
  echo "  sweep parser and batch runner (sim/batch):            $(summary '^sim/batch/')"
  echo "  engine, models and the rest:                          $(summary '^sim/(scenario|batch)/' '!')"
done
cp "$work/merged.profdata" "$build/$target.profdata"
