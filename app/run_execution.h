// Internal to the CLI: one run from a validated spec to a result file, shared by `run`,
// `run --resume` and `fork` (which differ in where the replicates and the output start).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/commands.h"
#include "sim/output/checkpoint.h"
#include "sim/simulation.h"
#include "sim/spec.h"

namespace partnersim::app {

struct RunExecution {
  const ScenarioSpec* spec = nullptr;
  std::string output;
  RunOptions options;  // threads, force, quiet, check, profile, checkpoint file, command line
  double load_seconds = 0.0;
  // Checkpoints this run writes (steps done) and how it was started, recorded in them.
  std::vector<int> checkpoint_steps;
  CheckpointHeader checkpoint;  // settings; for a continued run also steps_done
  // Continuing a checkpoint: its file (whose output is continued), the replicates restored
  // from it (called after the resource guards) and root attributes saying so.
  std::string continue_from;
  std::function<std::vector<std::unique_ptr<ReplicateRun>>()> restore;
  std::vector<std::pair<std::string, std::string>> attributes;
};

int execute_run(RunExecution& run);

// The steps after which to checkpoint: every N steps and after the given months (YYYY-MM);
// std::invalid_argument naming the option when one is out of the run.
std::vector<int> checkpoint_steps(const ScenarioSpec& spec, int every, const std::vector<std::string>& at);

std::string absolute(const std::string& path);
void print_error(const std::string& message);

int resume_command(const RunOptions& options);

}  // namespace partnersim::app
