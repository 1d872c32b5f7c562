// Replays every input that made the scenario fuzzer find a bug (fuzz_regressions/, one file
// per bug, named after it) and every shipped scenario through what the fuzzer does: each
// is either refused with a ScenarioError or runs with every invariant check on.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "fuzz/scenario_input.h"
#include "support/cli.h"

namespace partnersim {
namespace {

TEST(FuzzRegressions, EveryInputThatFoundABugIsNowRefusedOrRuns) {
  const std::filesystem::path folder = testing::source_path("tests/sim/scenario/fuzz_regressions");
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const std::string text = testing::read_text(entry.path());
    EXPECT_NO_THROW((void)fuzzing::run_scenario_input(text));
    ++replayed;
  }
  EXPECT_GT(replayed, 0);
}

}  // namespace
}  // namespace partnersim
