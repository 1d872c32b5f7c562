#include "app/commands.h"

#include <tbb/global_control.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <malloc.h>
#include <memory>
#include <optional>
#include <unistd.h>

#include "app/progress.h"
#include "sim/async_observer.h"
#include "sim/invariants.h"
#include "sim/output/hdf5_writer.h"
#include "sim/output/result_file.h"
#include "sim/registry.h"
#include "sim/resources.h"
#include "sim/scenario/parser.h"
#include "sim/simulation.h"

namespace partnersim::app {

namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "signal handler needs a lock-free flag");

extern "C" void request_stop(int /*signal*/) { g_stop.store(true); }

std::string default_output(const std::string& scenario) {
  return (std::filesystem::path("results") / std::filesystem::path(scenario).stem()).string() + ".h5";
}

void print_error(const std::string& message) { std::cerr << "partnersim: error: " << message << '\n'; }

bool checks_requested_by_environment() {
  const char* value = std::getenv("PARTNERSIM_CHECK");  // NOLINT(concurrency-mt-unsafe): read before threads start
  return value != nullptr && std::string(value) == "1";
}

// The --profile table: seconds per label, summed over steps and replicates (module times
// are wall time of the calling thread, parallel loops included), and shares of the run.
void print_profile(const RunProfile& profile, double load_seconds, double run_seconds) {
  std::printf("profile (wall seconds, summed over steps and replicates; run %.3f s, scenario load %.3f s):\n",
              run_seconds, load_seconds);
  std::printf("  %-40s %10s %7s\n", "phase/module", "seconds", "share");
  double total = 0.0;
  for (const auto& t : profile.timings) {
    // The writer thread's time overlaps the run's; only the time the run waited counts.
    if (t.label.find("(overlapped)") == std::string::npos) total += t.seconds;
    std::printf("  %-40s %10.3f %6.1f%%\n", t.label.c_str(), t.seconds,
                run_seconds > 0.0 ? 100.0 * t.seconds / run_seconds : 0.0);
  }
  std::printf("  %-40s %10.3f %6.1f%%\n", "(sum)", total, run_seconds > 0.0 ? 100.0 * total / run_seconds : 0.0);
}

}  // namespace

void keep_freed_memory() {
  // Every step (and every run of a batch) allocates and frees the same large work arrays
  // (tie views, per-chunk results, writer buffers). glibc would return each to the kernel
  // and take it back zeroed page by page (page faults were 14% of a national run); keeping
  // freed memory in the heap avoids that.
  mallopt(M_MMAP_THRESHOLD, 512 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int run_command(const RunOptions& options) {
  keep_freed_memory();
  const auto load_started = std::chrono::steady_clock::now();
  ScenarioSpec spec;
  try {
    spec = load_scenario(options.scenario,
                         ScenarioOverrides{options.steps, options.seed, options.replicates, options.set});
  } catch (const ScenarioError& e) {
    print_error(e.what());
    return kInvalidInput;
  }
  const std::string output = options.output.empty() ? default_output(options.scenario) : options.output;
  // Resource guards: refuse before anything is allocated or written.
  const auto thread_count = static_cast<std::uint32_t>(options.threads);
  if (const std::string problem = memory_problem(spec, thread_count, memory_limit()); !problem.empty()) {
    print_error(options.scenario + ": " + problem);
    return kInvalidInput;
  }
  if (const std::string problem = disk_problem(spec, describe_run(spec).metrics.size(), output); !problem.empty()) {
    print_error(output + ": " + problem + " (nothing written)");
    return kRunFailed;
  }
  std::unique_ptr<tbb::global_control> threads;
  if (options.threads > 0) {
    threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                    static_cast<std::size_t>(options.threads));
  }
  set_invariant_checks_default(options.check || checks_requested_by_environment());
  g_stop.store(false);
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  // Past a file-size limit (ulimit -f) a write should fail like a full disk, with EFBIG,
  // so the writer reports it and removes its partial file, instead of the signal killing us.
  std::signal(SIGXFSZ, SIG_IGN);

  const std::int64_t total = static_cast<std::int64_t>(spec.steps) * spec.replicates;
  const auto started = std::chrono::steady_clock::now();
  const double load_seconds = std::chrono::duration<double>(started - load_started).count();
  RunProfile profile;
  std::int64_t steps_done = 0;
  try {
    Hdf5Writer writer(WriterOptions{output, options.force, options.command_line, PARTNERSIM_VERSION});
    ProgressBar bar(total, !options.quiet && isatty(STDERR_FILENO) != 0);
    RunControl control{&g_stop, [&bar](std::uint32_t, int) { bar.advance(); }, options.profile ? &profile : nullptr};
    // With more than one thread allowed, the file is written on a thread of its own while
    // the next step computes; --threads 1 stays on one thread.
    std::optional<AsyncObserver> async;
    if (options.threads != 1) async.emplace(writer);
    Observer& observer = async ? static_cast<Observer&>(*async) : writer;
    try {
      run_scenario(spec, observer, control);
      if (async && options.profile) profile.add("output/writer thread (overlapped)", async->writer_seconds());
    } catch (...) {
      steps_done = bar.done();
      throw;
    }
    bar.stop();
  } catch (const OutputExists& e) {
    print_error(e.what());
    return kOutputExists;
  } catch (const Interrupted&) {
    std::cerr << "partnersim: interrupted after " << steps_done << " of " << total
              << " replicate-steps; no result written\n";
    return kInterrupted;
  } catch (const std::exception& e) {
    print_error(std::string(e.what()) + " (no result written to " + output + ")");
    return kRunFailed;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (options.profile) print_profile(profile, load_seconds, seconds);
  if (!options.quiet) {
    std::printf("partnersim: %s: %d replicate(s) x %d steps (%s to %s) in %.2f s, %.0f steps/s -> %s\n",
                spec.metadata.name.c_str(), spec.replicates, spec.steps, spec.start.str().c_str(),
                spec.clock().last().str().c_str(), seconds, static_cast<double>(total) / seconds, output.c_str());
  }
  return kOk;
}

int validate_command(const std::string& scenario) {
  try {
    const ScenarioSpec spec = load_scenario(scenario);
    std::printf(
        "%s: valid. \"%s\": %zu organisations, %lld people, %zu ties, %zu funding programmes, %zu events; "
        "%d steps from %s to %s, %d replicate(s), seed %llu\n",
        scenario.c_str(), spec.metadata.name.c_str(), spec.organisations.size(),
        static_cast<long long>(spec.people_count()), spec.ties.size(), spec.programmes.size(), spec.events.size(),
        spec.steps, spec.start.str().c_str(), spec.clock().last().str().c_str(), spec.replicates,
        static_cast<unsigned long long>(spec.seed));
    return kOk;
  } catch (const ScenarioError& e) {
    print_error(e.what());
    return kInvalidInput;
  }
}

namespace {

// Markdown cells may not contain a bare '|'.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

int params_command(const std::string& module, bool markdown) {
  const auto& registry = ModuleRegistry::instance();
  if (!module.empty() && registry.find(module) == nullptr) {
    std::string known;
    for (const auto& m : registry.modules()) known += (known.empty() ? "" : ", ") + m.name;
    print_error("no module \"" + module + "\"; modules are " + known);
    return kInvalidInput;
  }
  for (const auto& m : registry.modules()) {
    if (!module.empty() && m.name != module) continue;
    if (markdown) {
      std::printf("### `%s`\n\n%s\n\n", m.name.c_str(), m.doc.c_str());
      if (m.params.empty()) {
        std::printf("No parameters.\n\n");
        continue;
      }
      std::printf("| parameter | type | default | unit | range | meaning | source |\n|---|---|---|---|---|---|---|\n");
      for (const auto& p : m.params) {
        std::printf("| `%s.%s` | %s | %s | %s | [%s, %s] | %s | %s |\n", m.name.c_str(), p.name.c_str(),
                    std::string(name_of(p.type)).c_str(), number(p.default_value).c_str(), cell(p.unit).c_str(),
                    number(p.min).c_str(), number(p.max).c_str(), cell(p.doc).c_str(), cell(p.source).c_str());
      }
      std::printf("\n");
      continue;
    }
    std::printf("%s: %s\n", m.name.c_str(), m.doc.c_str());
    if (m.params.empty()) std::printf("  (no parameters)\n");
    for (const auto& p : m.params) {
      std::printf("  %s.%s  %s  default %g %s  range [%g, %g]\n      %s\n      source: %s\n", m.name.c_str(),
                  p.name.c_str(), std::string(name_of(p.type)).c_str(), p.default_value, p.unit.c_str(), p.min, p.max,
                  p.doc.c_str(), p.source.c_str());
    }
    std::printf("\n");
  }
  return kOk;
}

int metrics_command(bool markdown) {
  const auto metrics = ModuleRegistry::instance().all_metrics();
  if (markdown) std::printf("| metric | unit | description |\n|---|---|---|\n");
  for (const auto& m : metrics) {
    if (markdown) {
      std::printf("| `%s` | %s | %s |\n", m.name.c_str(), cell(m.unit).c_str(), cell(m.description).c_str());
    } else {
      std::printf("%-40s %-20s %s\n", m.name.c_str(), m.unit.c_str(), m.description.c_str());
    }
  }
  return kOk;
}

int info_command(const std::string& result) {
  try {
    const ResultInfo info = read_result_info(result);
    std::printf("%s\n", result.c_str());
    for (const auto& [key, value] : info.attributes) std::printf("  %-20s %s\n", key.c_str(), value.c_str());
    std::printf("  %-20s %zu\n  %-20s %zu\n\n", "organisations", info.organisations, "events logged", info.events);
    const std::string last = info.months.empty() ? "?" : info.months.back();
    std::printf("Metrics at %s over %d replicate(s):\n  %-28s %14s %14s %14s  %s\n", last.c_str(), info.replicates,
                "metric", "mean", "min", "max", "unit");
    for (const auto& m : info.metrics) {
      std::printf("  %-28s %14.6g %14.6g %14.6g  %s\n", m.name.c_str(), m.mean, m.min, m.max, m.unit.c_str());
    }
    return kOk;
  } catch (const std::exception& e) {
    print_error(e.what());
    return kInvalidInput;
  }
}

}  // namespace partnersim::app
