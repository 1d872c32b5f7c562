#!/usr/bin/env bash
# Sets up partnersim on Debian 12 and runs one job.
#
#   bash scripts/setup.sh run     install, build (release), run the main job
#   bash scripts/setup.sh test    install, check format, build, clang-tidy, run every test
#                                 (release with -Werror, then ASan+UBSan)
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
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib python3-xarray python3-h5netcdf python3-pytest
  clang-format clang-tidy
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
    mkdir -p results
    "$bin" run scenarios/examples/minimal.yaml -o results/minimal.h5 --force
    "$bin" info results/minimal.h5
    /usr/bin/python3 -m analysis plot results/minimal.h5 -o results/minimal.png
    ;;
  test)
    scripts/check-format.sh
    build release
    scripts/tidy.sh build/release
    ctest --preset release -j "$jobs"
    build asan
    ctest --preset asan -j "$jobs"
    ;;
  *)
    echo "usage: $0 run|test|build" >&2
    exit 2
    ;;
esac
