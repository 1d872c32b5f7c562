#!/usr/bin/env bash
# Sets up partnersim on Debian 12 and runs one job.
#
#   bash scripts/setup.sh run     install, build (release), run the main job
#   bash scripts/setup.sh test    install, check format, build, clang-tidy, run every test
#                                 (release with -Werror, then ASan+UBSan, then the engine and
#                                 determinism tests under TSan), then a minute of fuzzing per
#                                 fuzzer (when clang is available)
#   bash scripts/setup.sh build   install and build (release) only
#
# Debian packages are installed only when some are missing (apt-get update runs first).
# Nothing is downloaded at build time.
set -euo pipefail

cd "$(dirname "$0")/.."
job="${1:-run}"
jobs="${PARTNERSIM_BUILD_JOBS:-$(nproc)}"

packages=(
  build-essential cmake ccache git
  libboost-graph-dev libtbb-dev libhdf5-dev hdf5-tools libcli11-dev libyaml-cpp-dev librandom123-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib python3-xarray python3-h5netcdf python3-pytest python3-scipy
  clang-format clang-tidy
  clang libclang-rt-14-dev  # libFuzzer, for scripts/fuzz.sh
  libopenmpi-dev openmpi-bin
  hyperfine time
)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all ${#packages[@]} Debian packages present"
    return
  fi
  echo "setup: installing ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {  # build PRESET
  cmake --preset "$1" -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache
  cmake --build --preset "$1" -j "$jobs"
}

install_packages
case "$job" in
  build)
    build release
    ;;
  run)
    build release
    bin=build/release/app/partnersim
    mkdir -p results/compare
    # Both directions of the counterfactual, each pair with common random numbers.
    "$bin" compare scenarios/poznan.yaml scenarios/counterfactual/poznan-under-sopot-model.yaml \
      -o results/compare/poznan --replicates 20 --force
    "$bin" compare scenarios/sopot.yaml scenarios/counterfactual/sopot-under-poznan-model.yaml \
      -o results/compare/sopot --replicates 20 --force
    /usr/bin/python3 -m analysis report results/compare
    echo "setup: report at results/compare/report.html (and report.md, plots beside it)"
    ;;
  test)
    scripts/check-format.sh
    build release
    scripts/tidy.sh build/release
    ctest --preset release -j "$jobs"
    build asan
    ctest --preset asan -j "$jobs"
    # ThreadSanitizer on the parallel phases: only test_sim and test_models are built, and only
    # the engine and determinism tests run (docs/RELIABILITY.md, "Sanitizers").
    build tsan
    ctest --preset tsan -j "$jobs"
    if command -v clang++ >/dev/null; then
      scripts/fuzz.sh scenario "${PARTNERSIM_FUZZ_SECONDS:-60}"
      scripts/fuzz.sh sweep "${PARTNERSIM_FUZZ_SECONDS:-60}"
    else
      echo "setup: clang not found, fuzzing skipped"
    fi
    ;;
  *)
    echo "usage: $0 run|test|build" >&2
    exit 2
    ;;
esac
