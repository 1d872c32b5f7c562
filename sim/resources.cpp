#include "sim/resources.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

#include "sim/organisations.h"
#include "sim/people.h"

namespace partnersim {

namespace {

// A vertex of the graph: the organisation and its two edge lists; an edge: the tie and its
// list entries. Generous, so that the estimate errs on the side of refusing.
constexpr std::uint64_t kVertexOverhead = 96;
constexpr std::uint64_t kEdgeOverhead = 96;
// Ties a run may add per organisation (cooperation, procurement, projects), beyond the
// scenario's own: an allowance, the graph is sparse.
constexpr std::uint64_t kTiesGrownPerOrganisation = 16;
// The process itself, libraries, thread stacks, the spec.
constexpr std::uint64_t kBaseBytes = 64ULL << 20;

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return std::numeric_limits<std::uint64_t>::max();
  return a * b;
}

std::string mebibytes(std::uint64_t bytes) {
  return std::to_string(bytes) + " bytes (" + std::to_string(bytes >> 20) + " MiB)";
}

}  // namespace

MemoryEstimate estimate_memory(const ScenarioSpec& spec, std::uint32_t threads) {
  const auto people = static_cast<std::uint64_t>(std::max<std::int64_t>(0, spec.people_count()));
  const std::uint64_t orgs = spec.organisations.size();
  const std::uint64_t ties = saturating_add(spec.ties.size(), saturating_mul(orgs, kTiesGrownPerOrganisation));
  MemoryEstimate e;
  e.per_replicate = saturating_mul(people, People::bytes_per_person());
  e.per_replicate = saturating_add(e.per_replicate, saturating_mul(orgs, sizeof(Organisation) + kVertexOverhead));
  e.per_replicate = saturating_add(e.per_replicate, saturating_mul(ties, sizeof(Tie) + kEdgeOverhead));
  const std::uint32_t workers = std::max(1U, threads == 0 ? std::thread::hardware_concurrency() : threads);
  e.concurrent_replicates = std::min(workers, static_cast<std::uint32_t>(std::max(1, spec.replicates)));
  e.total = saturating_add(kBaseBytes, saturating_mul(e.per_replicate, e.concurrent_replicates));
  return e;
}

std::uint64_t memory_limit() {
  if (const char* forced = std::getenv("PARTNERSIM_MEMORY_LIMIT")) {  // NOLINT(concurrency-mt-unsafe)
    char* end = nullptr;
    const unsigned long long value = std::strtoull(forced, &end, 10);
    if (end != forced && *end == '\0' && value > 0) return value;
  }
  std::uint64_t limit = std::numeric_limits<std::uint64_t>::max();
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) limit = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
  rlimit as{};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
    limit = std::min<std::uint64_t>(limit, as.rlim_cur);
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");  // cgroup v2; "max" when unlimited
  std::uint64_t cgroup_limit = 0;
  if (cgroup >> cgroup_limit && cgroup_limit > 0) limit = std::min(limit, cgroup_limit);
  return limit;
}

std::string memory_problem(const ScenarioSpec& spec, std::uint32_t threads, std::uint64_t limit_bytes) {
  const MemoryEstimate e = estimate_memory(spec, threads);
  if (e.total <= limit_bytes) return {};
  return "the run would need about " + mebibytes(e.total) + " of memory (" + std::to_string(spec.people_count()) +
         " people and " + std::to_string(spec.organisations.size()) + " organisations: " + mebibytes(e.per_replicate) +
         " per replicate, " + std::to_string(e.concurrent_replicates) +
         " replicate(s) at once) but this machine allows " + mebibytes(limit_bytes) +
         "; use fewer people or organisations, or fewer threads";
}

std::uint64_t estimate_result_bytes(const ScenarioSpec& spec, std::size_t metric_count) {
  const auto cells = saturating_mul(static_cast<std::uint64_t>(std::max(0, spec.steps)),
                                    static_cast<std::uint64_t>(std::max(0, spec.replicates)));
  const std::uint64_t orgs = spec.organisations.size();
  // metrics (double), and per organisation cash (double), employees, degree (int32), alive (uint8)
  const std::uint64_t per_cell = saturating_add(saturating_mul(metric_count, 8), saturating_mul(orgs, 17));
  return saturating_mul(cells, per_cell);
}

std::string disk_problem(const ScenarioSpec& spec, std::size_t metric_count, const std::string& output_path) {
  std::filesystem::path folder = std::filesystem::path(output_path).parent_path();
  if (folder.empty()) folder = ".";
  std::error_code ec;
  const auto space = std::filesystem::space(folder, ec);
  if (ec) return {};
  const std::uint64_t needed = estimate_result_bytes(spec, metric_count);
  if (needed <= space.available) return {};
  return "the result would take about " + mebibytes(needed) + " but " + folder.string() + " has " +
         mebibytes(space.available) + " free";
}

}  // namespace partnersim
