#!/usr/bin/env bash
# Builds and runs one libFuzzer harness for a bounded time.
#
#   scripts/fuzz.sh TARGET SECONDS     e.g. scripts/fuzz.sh scenario 60
#
# TARGET is a harness in fuzz/ (fuzz_TARGET). The corpus grows in build/fuzz/corpus/TARGET
# (kept between runs), seeded with the TARGET's seed folder; inputs that crash, hang, leak
# or run out of memory land in build/fuzz/artifacts/TARGET/. Keep each such input as a
# regression test (tests/sim/scenario/fuzz_regressions/ for the scenario parser,
# tests/sim/batch/fuzz_regressions/ for the sweep parser).
# Needs clang with libFuzzer (Debian: clang). Exit status: non-zero if the fuzzer found a bug.
set -euo pipefail

cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET SECONDS}"
seconds="${2:?usage: scripts/fuzz.sh TARGET SECONDS}"

. scripts/fuzz-seeds.sh
fuzz_seeds "$target" fuzz.sh

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
cmake --preset fuzz "${launcher[@]}" >/dev/null
cmake --build --preset fuzz -j "${PARTNERSIM_BUILD_JOBS:-2}" --target "fuzz_$target"

corpus="build/fuzz/corpus/$target"
artifacts="build/fuzz/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
dict=()
if [ -f "fuzz/$target.dict" ]; then dict=(-dict="fuzz/$target.dict"); fi

# One worker (the machine is shared); 2 GB is far above what a valid small scenario needs.
# 60 s for one input is a hang: the largest seed (poland-synthetic.yaml, a generated world)
# needs about 3 s of CPU under ASan, and took 13-15 s on the shared 2-core machine at load 10,
# so a 10 s limit reported it as a hang; inputs slower than 10 s still land in the artifacts
# as slow-unit-*.
ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  "build/fuzz/fuzz/fuzz_$target" "$corpus" "${seeds[@]}" "${dict[@]}" \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -max_len=65536 \
  -artifact_prefix="$artifacts/" -print_final_stats=1
