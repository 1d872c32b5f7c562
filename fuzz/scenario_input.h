// What the scenario fuzzer does with one input, shared with the regression test that
// replays every input that once found a bug (tests/sim/scenario/test_fuzz_regressions.cpp).
// An input must either be refused with a ScenarioError or parse into a spec that builds a
// world and runs a few steps with every invariant check on; anything else is a bug.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/invariants.h"
#include "sim/scenario/parser.h"
#include "sim/simulation.h"

namespace partnersim::fuzzing {

// Valid specs larger than this are only parsed, so each input stays fast.
inline constexpr std::int64_t kMaxPeopleToRun = 20'000;
inline constexpr std::size_t kMaxOrganisationsToRun = 500;
inline constexpr int kStepsToRun = 3;
// A generator section is generated at the smallest scale: the same code and checks run, but
// an input takes milliseconds instead of seconds (a generated world is too large to run).
inline constexpr double kGeneratorScale = 0.01;

enum class Outcome : std::uint8_t { Refused, Ran, ParsedOnly };

inline Outcome run_scenario_input(std::string_view text) {
  ScenarioSpec spec;
  try {
    ScenarioOverrides overrides;
    overrides.generator_scale = kGeneratorScale;
    spec = parse_scenario(text, "fuzz.yaml", overrides);
  } catch (const ScenarioError&) {
    return Outcome::Refused;
  }
  if (spec.people_count() > kMaxPeopleToRun || spec.organisations.size() > kMaxOrganisationsToRun) {
    return Outcome::ParsedOnly;
  }
  ReplicateRun run(spec, 0, ModuleRegistry::instance());
  run.set_checks(true);
  for (int s = 0; s < kStepsToRun && !run.finished(); ++s) run.advance();
  return Outcome::Ran;
}

}  // namespace partnersim::fuzzing
