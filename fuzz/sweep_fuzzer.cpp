// libFuzzer harness for the sweep parser and validator and the expansion of a sweep into
// design points and runs (see fuzz/sweep_input.h). The base scenario is a fixed copy of
// scenarios/examples/minimal.yaml in a private temporary folder, so only the sweep format is
// fuzzed.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fuzz/sweep_input.h"

namespace {
std::unique_ptr<partnersim::fuzzing::SweepFuzzFolder> folder;  // NOLINT: the fuzzer's one fixture
}

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  folder = std::make_unique<partnersim::fuzzing::SweepFuzzFolder>(PARTNERSIM_FUZZ_BASE_SCENARIO);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the input bytes as text
  (void)partnersim::fuzzing::run_sweep_input(std::string_view(reinterpret_cast<const char*>(data), size), *folder);
  return 0;
}
