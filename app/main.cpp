// partnersim command line: run, validate, params, info.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "app/commands.h"

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
      "  partnersim validate scenarios/examples/minimal.yaml\n"
      "  partnersim params\n"
      "  partnersim info results/minimal.h5\n"
      "Exit codes: 0 ok, 1 run or output failed, 2 invalid input, 3 output exists (use --force), 130 interrupted.");

  RunOptions run;
  auto* run_cmd = cli.add_subcommand("run", "Run a scenario and write its results to HDF5");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (YAML)")->required();
  run_cmd->add_option("-o,--output", run.output, "Result file (default: results/<scenario>.h5)");
  run_cmd->add_option("--steps", run.steps, "Number of monthly steps (overrides the scenario)")
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--seed", run.seed, "Random seed (overrides the scenario)");
  run_cmd->add_option("--replicates", run.replicates, "Replicates (overrides the scenario)")
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--threads", run.threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  run_cmd->add_option("--set", run.set, "Override a module parameter: module.param=value (repeatable)");
  run_cmd->add_flag("--force", run.force, "Replace an existing result file (only once the new one is complete)");
  run_cmd->add_flag("-q,--quiet", run.quiet, "No progress bar and no summary line");
  run_cmd->add_flag("--profile", run.profile, "Print the time spent per phase, module and output at the end");

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
  if (*validate_cmd) return validate_command(validate_path);
  if (*params_cmd) return params_command(module, params_markdown);
  if (*metrics_cmd) return metrics_command(metrics_markdown);
  if (*info_cmd) return info_command(result_path);
  return kInvalidInput;
}
