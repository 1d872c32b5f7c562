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
#include "app/run_execution.h"
#include "sim/async_observer.h"
#include "sim/invariants.h"
#include "sim/output/checkpoint.h"
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

void print_error(const std::string& message) { std::cerr << "partnersim: error: " << message << '\n'; }

void keep_freed_memory() {
  // Every step (and every run of a batch) allocates and frees the same large work arrays
  // (tie views, per-chunk results, writer buffers). glibc would return each to the kernel
  // and take it back zeroed page by page (page faults were 14% of a national run); keeping
  // freed memory in the heap avoids that.
  mallopt(M_MMAP_THRESHOLD, 512 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int run_command(const RunOptions& options) {
  if (!options.resume.empty()) return resume_command(options);
  if (options.scenario.empty()) {
    print_error("run needs a scenario file (or --resume CHECKPOINT)");
    return kInvalidInput;
  }
  keep_freed_memory();
  const auto load_started = std::chrono::steady_clock::now();
  ScenarioSpec spec;
  try {
    spec = load_scenario(options.scenario,
                         ScenarioOverrides{options.steps, options.seed, options.replicates, options.set, std::nullopt});
  } catch (const ScenarioError& e) {
    print_error(e.what());
    return kInvalidInput;
  }
  RunExecution run;
  run.spec = &spec;
  run.output = options.output.empty() ? default_output(options.scenario) : options.output;
  run.options = options;
  try {
    run.checkpoint_steps = checkpoint_steps(spec, options.checkpoint_every, options.checkpoint_at);
  } catch (const std::invalid_argument& e) {
    print_error(e.what());
    return kInvalidInput;
  }
  run.checkpoint.settings = CheckpointSettings{absolute(options.scenario),
                                               options.steps,
                                               options.seed,
                                               options.replicates,
                                               options.set,
                                               absolute(run.output),
                                               run.checkpoint_steps,
                                               {},
                                               0,
                                               {}};
  run.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();
  return execute_run(run);
}

std::string absolute(const std::string& path) {
  std::error_code ec;
  const auto full = std::filesystem::absolute(path, ec);
  return ec ? path : full.lexically_normal().string();
}

std::vector<int> checkpoint_steps(const ScenarioSpec& spec, int every, const std::vector<std::string>& at) {
  std::vector<int> steps;
  if (every < 0) throw std::invalid_argument("--checkpoint-every: expected a positive number of steps");
  for (int n = every; every > 0 && n < spec.steps; n += every) steps.push_back(n);
  const Clock clock = spec.clock();
  for (const std::string& month : at) {
    const auto ym = YearMonth::parse(month);
    if (!ym) throw std::invalid_argument("--checkpoint-at " + month + ": expected a month as YYYY-MM");
    const int step = clock.step_of(*ym);
    if (step < 0 || step >= spec.steps - 1) {
      throw std::invalid_argument("--checkpoint-at " + month + ": expected a month from " + spec.start.str() +
                                  " to before the last month of the run, " + clock.last().str());
    }
    steps.push_back(step + 1);  // saved at the end of that month
  }
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  return steps;
}

int execute_run(RunExecution& run) {
  const ScenarioSpec& spec = *run.spec;
  const RunOptions& options = run.options;
  const std::string& output = run.output;
  const std::string what = run.continue_from.empty() ? options.scenario : run.continue_from;
  // Resource guards: refuse before anything is allocated or written.
  // A run that checkpoints or continues a checkpoint keeps every replicate at once.
  const bool all_replicates = !run.checkpoint_steps.empty() || run.restore;
  const auto in_flight =
      all_replicates ? static_cast<std::uint32_t>(spec.replicates) : static_cast<std::uint32_t>(options.threads);
  if (const std::string problem = memory_problem(spec, in_flight, memory_limit()); !problem.empty()) {
    print_error(what + ": " + problem);
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

  const int first_step = run.continue_from.empty() ? 0 : run.checkpoint.steps_done;
  const std::int64_t total = static_cast<std::int64_t>(spec.steps - first_step) * spec.replicates;
  const auto started = std::chrono::steady_clock::now();
  RunProfile profile;
  std::int64_t steps_done = 0;
  const std::string checkpoint_path = options.checkpoint.empty() ? default_checkpoint_path(output) : options.checkpoint;
  int last_checkpoint = 0;
  std::string last_checkpoint_month;
  try {
    std::vector<std::unique_ptr<ReplicateRun>> restored;
    if (run.restore) restored = run.restore();
    WriterOptions writer_options{output, options.force, options.command_line, PARTNERSIM_VERSION, run.continue_from};
    Hdf5Writer writer(writer_options);
    for (const auto& [name, value] : run.attributes) writer.add_root_attribute(name, value);
    ProgressBar bar(total, !options.quiet && isatty(STDERR_FILENO) != 0);
    RunControl control{&g_stop, [&bar](std::uint32_t, int) { bar.advance(); }, options.profile ? &profile : nullptr};
    // With more than one thread allowed, the file is written on a thread of its own while
    // the next step computes; --threads 1 stays on one thread.
    std::optional<AsyncObserver> async;
    if (options.threads != 1) async.emplace(writer);
    Observer& observer = async ? static_cast<Observer&>(*async) : writer;
    CheckpointPlan plan;
    plan.after_steps = run.checkpoint_steps;
    plan.save = [&](int done, const std::vector<std::unique_ptr<ReplicateRun>>& replicates) {
      CheckpointHeader header = run.checkpoint;
      header.steps_done = done;
      header.month = spec.clock().month_of(done - 1).str();
      header.replicates = spec.replicates;
      header.partnersim_version = PARTNERSIM_VERSION;
      write_checkpoint(checkpoint_path, observer, header, replicates);
      last_checkpoint = done;
      last_checkpoint_month = header.month;
    };
    if (!plan.after_steps.empty()) control.checkpoints = &plan;
    if (run.restore) control.continue_from = &restored;
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
  } catch (const CheckpointError& e) {
    print_error(e.what());
    return kInvalidInput;
  } catch (const Interrupted&) {
    std::cerr << "partnersim: interrupted after " << steps_done << " of " << total
              << " replicate-steps; no result written\n";
    if (last_checkpoint > 0) {
      std::cerr << "partnersim: the checkpoint after " << last_checkpoint << " steps (" << last_checkpoint_month
                << ") is kept: partnersim run --resume " << checkpoint_path << "\n";
    }
    return kInterrupted;
  } catch (const std::exception& e) {
    print_error(std::string(e.what()) + " (no result written to " + output + ")");
    return kRunFailed;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (options.profile) print_profile(profile, run.load_seconds, seconds);
  if (!options.quiet) {
    std::printf("partnersim: %s: %d replicate(s) x %d steps (%s to %s) in %.2f s, %.0f steps/s -> %s\n",
                spec.metadata.name.c_str(), spec.replicates, spec.steps - first_step,
                spec.clock().month_of(first_step).str().c_str(), spec.clock().last().str().c_str(), seconds,
                static_cast<double>(total) / seconds, output.c_str());
    if (last_checkpoint > 0) {
      std::printf("partnersim: checkpoint after %d steps (%s) -> %s\n", last_checkpoint, last_checkpoint_month.c_str(),
                  checkpoint_path.c_str());
    }
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
