// libFuzzer harness for the scenario parser and validator (see fuzz/scenario_input.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/scenario_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the input bytes as text
  (void)partnersim::fuzzing::run_scenario_input(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
