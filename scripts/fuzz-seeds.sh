# Sourced by fuzz.sh and fuzz-coverage.sh: the seed folders of each fuzz harness, in one place.
# fuzz_seeds TARGET SCRIPT sets the array `seeds`, or says the target is unknown and exits 2.
fuzz_seeds() {
  case "$1" in
    scenario) seeds=(scenarios fuzz/scenario_seeds tests/sim/scenario/fuzz_regressions) ;;
    sweep) seeds=(scenarios/sweeps fuzz/sweep_seeds tests/sim/batch/fuzz_regressions) ;;
    *)
      echo "$2: unknown target \"$1\" (known: scenario, sweep)" >&2
      exit 2
      ;;
  esac
}
