// Replays every input that made the sweep fuzzer find a bug (fuzz_regressions/, one file per
// bug, named after it) through what the fuzzer does: each is either refused with a
// ScenarioError or expands consistently. The fuzzer's seeds (the shipped sweeps and
// fuzz/sweep_seeds/) must be valid sweeps that expand.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "fuzz/sweep_input.h"
#include "support/cli.h"

namespace partnersim {
namespace {

const fuzzing::SweepFuzzFolder& fuzz_folder() {
  static const fuzzing::SweepFuzzFolder folder(testing::source_path("scenarios/examples/minimal.yaml"));
  return folder;
}

template <typename F>
int for_each_input(const char* folder, F&& check) {
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::source_path(folder))) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    SCOPED_TRACE(entry.path().filename().string());
    check(testing::read_text(entry.path()));
    ++replayed;
  }
  return replayed;
}

TEST(SweepFuzzRegressions, EveryInputThatFoundABugIsNowRefusedOrExpands) {
  const int replayed = for_each_input("tests/sim/batch/fuzz_regressions", [](const std::string& text) {
    EXPECT_NO_THROW((void)fuzzing::run_sweep_input(text, fuzz_folder()));
  });
  EXPECT_GT(replayed, 0);
}

TEST(SweepFuzzRegressions, EverySeedIsAValidSweepThatExpands) {
  int seeds = 0;
  for (const char* folder : {"scenarios/sweeps", "fuzz/sweep_seeds"}) {
    seeds += for_each_input(folder, [](const std::string& text) {
      fuzzing::SweepOutcome outcome = fuzzing::SweepOutcome::Refused;
      try {
        (void)parse_sweep(text, fuzz_folder().sweep_path());
        outcome = fuzzing::run_sweep_input(text, fuzz_folder());
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
      EXPECT_EQ(outcome, fuzzing::SweepOutcome::Expanded);
    });
  }
  EXPECT_GT(seeds, 1);
}

}  // namespace
}  // namespace partnersim
