// Resource guards: a scenario that the machine cannot hold is refused before anything is
// allocated, with the estimate and the limit, instead of being killed by the kernel.
#pragma once

#include <cstdint>
#include <string>

#include "sim/spec.h"

namespace partnersim {

// Peak memory a run of the spec needs, in bytes: the worlds of the replicates that run at
// once (people, organisations, ties) plus what the engine keeps per replicate and step.
struct MemoryEstimate {
  std::uint64_t per_replicate = 0;
  std::uint32_t concurrent_replicates = 0;
  std::uint64_t total = 0;
};
MemoryEstimate estimate_memory(const ScenarioSpec& spec, std::uint32_t threads);

// The memory this process may use: the least of physical memory (sysconf), the address
// space limit (RLIMIT_AS) and the cgroup limit, or PARTNERSIM_MEMORY_LIMIT (bytes) if set.
std::uint64_t memory_limit();

// Empty if a run fits in `limit_bytes`; otherwise what it needs and the limit.
std::string memory_problem(const ScenarioSpec& spec, std::uint32_t threads, std::uint64_t limit_bytes);

// Size of the result file of a run, in bytes (metrics, organisation arrays, tie snapshots).
std::uint64_t estimate_result_bytes(const ScenarioSpec& spec, std::size_t metric_count);
// Empty if the result fits in the space free in the output's folder (or that cannot be
// told, e.g. the folder is missing: the writer reports that); otherwise both sizes.
std::string disk_problem(const ScenarioSpec& spec, std::size_t metric_count, const std::string& output_path);

}  // namespace partnersim
