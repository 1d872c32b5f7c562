#include "app/compare.h"

#include <tbb/global_control.h>

#include <atomic>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>
#include <vector>

#include "app/commands.h"
#include "app/comparison.h"
#include "app/progress.h"
#include "sim/output/hdf5_writer.h"
#include "sim/scenario/parser.h"
#include "sim/simulation.h"

namespace partnersim::app {

namespace {

std::atomic<bool> g_stop_compare{false};

extern "C" void request_compare_stop(int /*signal*/) { g_stop_compare.store(true); }

void print_error(const std::string& message) { std::cerr << "partnersim: error: " << message << '\n'; }
void print_note(const std::string& message) { std::cerr << "partnersim: note: " << message << '\n'; }

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

struct Side {
  std::string key;  // "a" or "b"
  std::string scenario_file;
  ScenarioSpec spec;
  std::string result_name;  // file name inside the folder
  std::string result_path;
  RunMetrics metrics;
};

// Result file names: <stem>.h5, or <stem>-a.h5 and <stem>-b.h5 when the stems are equal.
void name_results(Side& a, Side& b, const std::filesystem::path& dir) {
  const std::string stem_a = std::filesystem::path(a.scenario_file).stem().string();
  const std::string stem_b = std::filesystem::path(b.scenario_file).stem().string();
  a.result_name = stem_a == stem_b ? stem_a + "-a.h5" : stem_a + ".h5";
  b.result_name = stem_a == stem_b ? stem_b + "-b.h5" : stem_b + ".h5";
  a.result_path = (dir / a.result_name).string();
  b.result_path = (dir / b.result_name).string();
}

// Parses both scenarios and reports every error; false if either is invalid.
bool load_both(const CompareOptions& options, Side& a, Side& b) {
  bool valid = true;
  try {
    a.spec = load_scenario(options.scenario_a,
                           ScenarioOverrides{options.steps, options.seed, options.replicates, {}, std::nullopt});
  } catch (const ScenarioError& e) {
    print_error(e.what());
    valid = false;
  }
  try {
    // Seed and replicates are A's (or the command line's), set below once A is known.
    b.spec = load_scenario(options.scenario_b,
                           ScenarioOverrides{options.steps, std::nullopt, std::nullopt, {}, std::nullopt});
  } catch (const ScenarioError& e) {
    print_error(e.what());
    valid = false;
  }
  return valid;
}

}  // namespace

int compare_command(const CompareOptions& options) {
  const std::string created = utc_now();
  Side a{"a", options.scenario_a, {}, {}, {}, {}};
  Side b{"b", options.scenario_b, {}, {}, {}, {}};
  if (!load_both(options, a, b)) return kInvalidInput;

  // Common random numbers: the same seed and replicate indices for both runs, so replicate r
  // of A and of B draw from the same streams and differ only through the policy.
  const std::uint64_t seed = a.spec.seed;
  const int replicates = a.spec.replicates;
  if (b.spec.seed != seed) {
    print_note(b.scenario_file + " sets seed " + std::to_string(b.spec.seed) + "; both runs use seed " +
               std::to_string(seed) + (options.seed ? " (--seed)" : " (from " + a.scenario_file + ")") +
               " for common random numbers");
  }
  if (b.spec.replicates != replicates && !options.replicates) {
    print_note(b.scenario_file + " sets " + std::to_string(b.spec.replicates) + " replicate(s); both runs use " +
               std::to_string(replicates) + " (from " + a.scenario_file + "; --replicates overrides)");
  }
  b.spec.seed = seed;
  b.spec.replicates = replicates;
  if (a.spec.start != b.spec.start || a.spec.steps != b.spec.steps) {
    print_note("the scenarios cover different months (A: " + std::to_string(a.spec.steps) + " steps from " +
               a.spec.start.str() + ", B: " + std::to_string(b.spec.steps) + " steps from " + b.spec.start.str() +
               "); outcomes \"at the end\" compare different months");
  }

  try {
    check_outcome_inputs(describe_run(a.spec).metrics);
  } catch (const ComparisonError& e) {
    print_error(e.what());
    return kRunFailed;
  }

  const std::filesystem::path dir(options.output_dir);
  name_results(a, b, dir);
  const std::string json_path = (dir / "compare.json").string();
  const std::string csv_path = (dir / "summary.csv").string();
  if (!options.force) {
    bool exists = false;
    for (const auto& path : {a.result_path, b.result_path, csv_path, json_path}) {
      std::error_code ec;
      if (std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found) {
        print_error(path + " exists; use --force to replace it");
        exists = true;
      }
    }
    if (exists) return kOutputExists;
  }
  {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
      print_error(options.output_dir + ": cannot create the output folder (" +
                  (ec ? ec.message() : std::string("not a folder")) + ")");
      return kRunFailed;
    }
    // A folder holding compare.json holds a complete comparison: while the results are being
    // replaced, the old summary must not vouch for them.
    for (const auto& path : {json_path, csv_path}) {
      std::filesystem::remove(path, ec);
      if (ec) {
        print_error(path + ": cannot remove the old comparison (" + ec.message() + ")");
        return kRunFailed;
      }
    }
  }

  std::unique_ptr<tbb::global_control> threads;
  if (options.threads > 0) {
    threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                    static_cast<std::size_t>(options.threads));
  }
  g_stop_compare.store(false);
  std::signal(SIGINT, request_compare_stop);
  std::signal(SIGTERM, request_compare_stop);

  const std::int64_t total = static_cast<std::int64_t>(a.spec.steps + b.spec.steps) * replicates;
  Side* running = &a;
  try {
    ProgressBar bar(total, !options.quiet && isatty(STDERR_FILENO) != 0);
    for (Side* side : {&a, &b}) {
      running = side;
      Hdf5Writer writer(WriterOptions{side->result_path, options.force, options.command_line, PARTNERSIM_VERSION});
      MetricsCollector collector;
      ObserverPair observers(writer, collector);
      run_scenario(side->spec, observers, RunControl{&g_stop_compare, [&bar](std::uint32_t, int) { bar.advance(); }});
      side->metrics = collector.metrics();
    }
    bar.stop();
  } catch (const OutputExists& e) {
    print_error(e.what());
    return kOutputExists;
  } catch (const Interrupted&) {
    std::cerr << "partnersim: interrupted while running " << running->scenario_file << "; no result written to "
              << running->result_path << " and no comparison written\n";
    return kInterrupted;
  } catch (const std::exception& e) {
    print_error(std::string(e.what()) + " (no result written to " + running->result_path +
                " and no comparison written)");
    return kRunFailed;
  }

  ComparisonProvenance provenance{PARTNERSIM_VERSION, options.command_line, created, seed, replicates, {}};
  for (const Side* side : {&a, &b}) {
    provenance.scenarios.push_back(ComparedScenario{side->key, side->spec.metadata.name, side->scenario_file,
                                                    side->result_name, side->spec.start.str(), side->spec.steps});
  }
  std::vector<OutcomeComparison> outcomes;
  try {
    outcomes = compare_runs(a.metrics, b.metrics);
    write_file_atomically(csv_path, summary_csv(outcomes));
    write_file_atomically(json_path, compare_json(provenance, outcomes));  // last: marks the folder complete
  } catch (const std::exception& e) {
    print_error(std::string(e.what()) + " (the result files are written; the comparison is not)");
    return kRunFailed;
  }
  std::cout << comparison_table(provenance, outcomes);
  if (!options.quiet) std::cout << "\npartnersim: comparison written to " << json_path << " and " << csv_path << '\n';
  return kOk;
}

}  // namespace partnersim::app
