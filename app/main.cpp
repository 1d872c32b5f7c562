// partnersim command line: run, fork, compare, batch, validate, params, metrics, info.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "app/batch_command.h"
#include "app/batch_mpi.h"
#include "app/commands.h"
#include "app/compare.h"

namespace {

std::string joined_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += argv[i];
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace partnersim::app;
  CLI::App cli{"partnersim: agent-based simulation of local social-economy partnerships"};
  cli.set_version_flag("--version", std::string("partnersim ") + PARTNERSIM_VERSION);
  cli.require_subcommand(1);
  cli.footer(
      "Examples:\n"
      "  partnersim run scenarios/examples/minimal.yaml -o results/minimal.h5\n"
      "  partnersim run scenarios/examples/minimal.yaml --replicates 8 --threads 2 --set "
      "reintegration.referral_rate=0.1\n"
      "  partnersim compare A.yaml B.yaml --replicates 20 -o results/compare/\n"
      "  partnersim validate scenarios/examples/minimal.yaml\n"
      "  partnersim params\n"
      "  partnersim info results/minimal.h5\n"
      "  partnersim run scenarios/sopot.yaml --checkpoint-at 2014-12 -o results/sopot.h5\n"
      "  partnersim fork results/sopot.h5.checkpoint --set funding.takeover_probability=0.6 -o results/sopot-fork.h5\n"
      "  partnersim batch scenarios/sweeps/sopot-screening.yaml -o results/sopot-screening --jobs 2\n"
      "Exit codes: 0 ok, 1 run or output failed, 2 invalid input, 3 output exists (use --force), 130 interrupted.");

  RunOptions run;
  auto* run_cmd = cli.add_subcommand("run", "Run a scenario and write its results to HDF5");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (YAML); not with --resume");
  run_cmd->add_option("-o,--output", run.output, "Result file (default: results/<scenario>.h5)");
  run_cmd->add_option("--steps", run.steps, "Number of monthly steps (overrides the scenario)")
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--seed", run.seed, "Random seed (overrides the scenario)");
  run_cmd->add_option("--replicates", run.replicates, "Replicates (overrides the scenario)")
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--set", run.set, "Override a module parameter: module.param=value (repeatable)");
  // How a run is executed and written: the same for run and fork.
  const auto add_execution_options = [](CLI::App* cmd, RunOptions& options) {
    cmd->add_option("--threads", options.threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
    cmd->add_flag("--force", options.force, "Replace an existing result file (only once the new one is complete)");
    cmd->add_flag("-q,--quiet", options.quiet, "No progress bar and no summary line");
    cmd->add_flag("--check", options.check,
                  "Verify invariants after every module's work (people, money, ties, stocks); stop on the first "
                  "violation (also on when PARTNERSIM_CHECK=1)");
    cmd->add_flag("--profile", options.profile, "Print the time spent per phase, module and output at the end");
  };
  add_execution_options(run_cmd, run);

  const auto add_checkpoint_options = [](CLI::App* cmd, RunOptions& options) {
    cmd->add_option("--checkpoint-every", options.checkpoint_every,
                    "Save the whole run every N steps, replacing the previous checkpoint (see --resume, fork)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--checkpoint-at", options.checkpoint_at,
                    "Save the whole run at the end of this month, YYYY-MM (repeatable)");
    cmd->add_option("--checkpoint", options.checkpoint, "Checkpoint file (default: <output>.checkpoint)");
  };
  add_checkpoint_options(run_cmd, run);
  run_cmd->add_option("--resume", run.resume,
                      "Continue the run saved in this checkpoint; the result equals an uninterrupted run");

  ForkOptions fork;
  auto* fork_cmd = cli.add_subcommand(
      "fork", "Continue a checkpoint with changed parameters into a new result (policy variants after a burn-in)");
  fork_cmd->add_option("checkpoint", fork.checkpoint, "Checkpoint file (from run --checkpoint-every/--checkpoint-at)")
      ->required();
  fork_cmd->add_option("--set", fork.set,
                       "Change a module parameter from the month after the checkpoint: module.param=value "
                       "(repeatable)");
  fork_cmd->add_option("-o,--output", fork.run.output, "Result file of the fork")->required();
  add_execution_options(fork_cmd, fork.run);
  add_checkpoint_options(fork_cmd, fork.run);

  CompareOptions compare;
  auto* compare_cmd = cli.add_subcommand(
      "compare", "Run two scenarios with common random numbers and compare their key outcomes (docs/COMPARE.md)");
  compare_cmd->add_option("scenario_a", compare.scenario_a, "Scenario A (YAML): the reference")->required();
  compare_cmd->add_option("scenario_b", compare.scenario_b, "Scenario B (YAML): compared with A")->required();
  compare_cmd->add_option("-o,--output", compare.output_dir, "Folder for both results, compare.json and summary.csv")
      ->required();
  compare_cmd->add_option("--steps", compare.steps, "Number of monthly steps for both (overrides the scenarios)")
      ->check(CLI::PositiveNumber);
  compare_cmd->add_option("--seed", compare.seed, "Random seed for both (default: A's seed)");
  compare_cmd->add_option("--replicates", compare.replicates, "Replicates for both (default: A's)")
      ->check(CLI::PositiveNumber);
  compare_cmd->add_option("--threads", compare.threads, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  compare_cmd->add_flag("--force", compare.force, "Replace existing results and comparison in the folder");
  compare_cmd->add_flag("-q,--quiet", compare.quiet, "No progress bar and no closing line (the table is printed)");

  std::string validate_path;
  auto* validate_cmd = cli.add_subcommand("validate", "Check a scenario file without running it");
  validate_cmd->add_option("scenario", validate_path, "Scenario file (YAML)")->required();

  std::string module;
  bool params_markdown = false;
  auto* params_cmd = cli.add_subcommand("params", "List every module parameter with default, unit, range and doc");
  params_cmd->add_option("module", module, "Only this module");
  params_cmd->add_flag("--markdown", params_markdown, "As Markdown tables (used in docs/MODEL.md)");

  bool metrics_markdown = false;
  auto* metrics_cmd = cli.add_subcommand("metrics", "List every metric written to /metrics with unit and description");
  metrics_cmd->add_flag("--markdown", metrics_markdown, "As a Markdown table (used in docs/MODEL.md)");

  std::string result_path;
  auto* info_cmd = cli.add_subcommand("info", "Show the provenance and final metrics of a result file");
  info_cmd->add_option("result", result_path, "Result file (HDF5)")->required();

  BatchOptions batch;
  auto* batch_cmd =
      cli.add_subcommand("batch", "Run a sweep of many runs (parameters x replicates); see docs/BATCH.md");
  batch_cmd->add_option("sweep", batch.sweep, "Sweep file (YAML)")->required();
  batch_cmd->add_option("-o,--output", batch.output, "Output folder (resumed if it holds this sweep)")->required();
  batch_cmd->add_option("--jobs", batch.jobs, "Runs at a time (default: all cores; 1 per MPI rank)")
      ->check(CLI::NonNegativeNumber);
  batch_cmd->add_option("--steps", batch.steps, "Number of monthly steps (overrides the sweep and scenario)")
      ->check(CLI::PositiveNumber);
  batch_cmd->add_option("--shard", batch.shard, "Run only shard I of N (I/N): runs whose id % N == I-1");
  batch_cmd
      ->add_option("--runs-per-process", batch.runs_per_process,
                   "With --jobs N > 1: replace each worker process after this many runs (memory stays that of a "
                   "short sweep)")
      ->default_val(50)
      ->check(CLI::Range(1, 1'000'000));
  batch_cmd->add_flag("--index-only", batch.index_only, "Only (re)write DIR/sweep.h5 from the runs present");
  batch_cmd->add_flag("-q,--quiet", batch.quiet, "No progress bar and no summary line");
  batch_cmd->add_option("--worker-pipes", batch.worker_pipes)->group("");  // internal: app/batch_workers.h

  std::unique_ptr<MpiSession> mpi;
  try {
    mpi = std::make_unique<MpiSession>(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "partnersim: error: " << e.what() << '\n';
    return kRunFailed;
  }

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? kOk : kInvalidInput;
  }

  if (*run_cmd) {
    run.command_line = joined_command_line(argc, argv);
    return run_command(run);
  }
  if (*fork_cmd) {
    fork.run.command_line = joined_command_line(argc, argv);
    return fork_command(fork);
  }
  if (*compare_cmd) {
    compare.command_line = joined_command_line(argc, argv);
    return compare_command(compare);
  }
  if (*batch_cmd) {
    batch.command_line = joined_command_line(argc, argv);
    return batch_command(batch, *mpi);
  }
  if (*validate_cmd) return validate_command(validate_path);
  if (*params_cmd) return params_command(module, params_markdown);
  if (*metrics_cmd) return metrics_command(metrics_markdown);
  if (*info_cmd) return info_command(result_path);
  return kInvalidInput;
}
