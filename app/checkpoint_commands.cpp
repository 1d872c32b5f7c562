// `run --resume CHECKPOINT` and `fork CHECKPOINT --set ...`: continue a saved run, as it was
// or with changed parameters (docs/RELIABILITY.md, "Checkpoint, resume, fork").
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "app/commands.h"
#include "app/run_execution.h"
#include "sim/output/checkpoint.h"
#include "sim/registry.h"
#include "sim/scenario/parser.h"

namespace partnersim::app {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

// The scenario of a checkpoint, read again from its file with the run's overrides (plus
// `extra_set`), and checked to be the scenario the checkpoint was made from.
ScenarioSpec scenario_of(const std::string& checkpoint, const CheckpointHeader& header,
                         const std::vector<std::string>& extra_set) {
  const CheckpointSettings& s = header.settings;
  std::vector<std::string> set = s.set;
  set.insert(set.end(), extra_set.begin(), extra_set.end());
  ScenarioSpec spec = load_scenario(s.scenario, ScenarioOverrides{s.steps, s.seed, s.replicates, set, std::nullopt});
  if (spec.source_text != header.scenario_source) {
    throw CheckpointError(checkpoint + ": the scenario " + s.scenario +
                          " (or a file it includes) changed since the checkpoint was written; a checkpoint "
                          "continues only the scenario it was made from");
  }
  if (spec.replicates != header.replicates || header.steps_done <= 0 || header.steps_done >= spec.steps) {
    throw CheckpointError(checkpoint + ": the checkpoint (" + std::to_string(header.replicates) + " replicates after " +
                          std::to_string(header.steps_done) + " steps) does not fit its run (" +
                          std::to_string(spec.replicates) + " replicates of " + std::to_string(spec.steps) + " steps)");
  }
  return spec;
}

// Builds every replicate as the scenario makes it and then overwrites it with the saved state.
std::vector<std::unique_ptr<ReplicateRun>> restore_replicates(const ScenarioSpec& spec, const std::string& checkpoint) {
  std::vector<std::unique_ptr<ReplicateRun>> replicates;
  for (int r = 0; r < spec.replicates; ++r) {
    const auto index = static_cast<std::uint32_t>(r);
    auto replicate = std::make_unique<ReplicateRun>(spec, index, ModuleRegistry::instance());
    const std::vector<std::byte> bytes = read_replicate_state(checkpoint, index);
    StateReader in(bytes, checkpoint + ": replicate " + std::to_string(r));
    replicate->restore_state(in);
    replicates.push_back(std::move(replicate));
  }
  return replicates;
}

// Options that would change the run cannot be given with --resume.
std::string options_refused_with_resume(const RunOptions& o) {
  if (!o.scenario.empty()) return "a scenario file";
  if (o.steps) return "--steps";
  if (o.seed) return "--seed";
  if (o.replicates) return "--replicates";
  if (!o.set.empty()) return "--set";
  if (o.checkpoint_every != 0 || !o.checkpoint_at.empty()) return "--checkpoint-every/--checkpoint-at";
  return {};
}

// Runs `prepare`: a problem with the checkpoint, its scenario or the options is an input
// error, said once.
template <typename Prepare>
bool prepared(Prepare&& prepare) {
  try {
    prepare();
    return true;
  } catch (const CheckpointError& e) {
    print_error(e.what());
  } catch (const ScenarioError& e) {
    print_error(e.what());
  } catch (const std::invalid_argument& e) {
    print_error(e.what());
  }
  return false;
}

}  // namespace

int resume_command(const RunOptions& options) {
  keep_freed_memory();
  if (const std::string refused = options_refused_with_resume(options); !refused.empty()) {
    print_error("--resume continues the run as it was started: " + refused +
                " cannot be given with it (to change parameters from the checkpoint on, use partnersim fork)");
    return kInvalidInput;
  }
  const auto load_started = std::chrono::steady_clock::now();
  const std::string& checkpoint = options.resume;
  RunExecution run;
  ScenarioSpec spec;
  if (!prepared([&] {
        run.checkpoint = read_checkpoint(checkpoint, PARTNERSIM_VERSION);
        spec = scenario_of(checkpoint, run.checkpoint, run.checkpoint.settings.fork_set);
      })) {
    return kInvalidInput;
  }
  run.spec = &spec;
  run.options = options;
  run.output = options.output.empty() ? run.checkpoint.settings.output : options.output;
  run.checkpoint_steps = run.checkpoint.settings.after_steps;
  // Checkpoints of the resumed run go where its output's would by default, unless named.
  if (run.options.checkpoint.empty() && absolute(checkpoint) != absolute(default_checkpoint_path(run.output))) {
    run.options.checkpoint = checkpoint;
  }
  run.continue_from = checkpoint;
  run.restore = [&spec, &checkpoint] { return restore_replicates(spec, checkpoint); };
  run.attributes = {{"resumed_from", absolute(checkpoint)},
                    {"resumed_after_month", run.checkpoint.month},
                    {"resumed_with", options.command_line}};
  run.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();
  return execute_run(run);
}

int fork_command(const ForkOptions& options) {
  keep_freed_memory();
  const auto load_started = std::chrono::steady_clock::now();
  const std::string& checkpoint = options.checkpoint;
  if (options.run.output.empty()) {
    print_error("fork needs -o NEW.h5: the fork is a result of its own");
    return kInvalidInput;
  }
  RunExecution run;
  ScenarioSpec spec;
  std::vector<std::pair<std::string, double>> changes;
  if (!prepared([&] {
        run.checkpoint = read_checkpoint(checkpoint, PARTNERSIM_VERSION);
        // Reading the scenario with the fork's settings validates them (names, types, ranges).
        spec = scenario_of(checkpoint, run.checkpoint, options.set);
        for (const std::string& item : options.set) {
          const std::string name = item.substr(0, item.find('='));
          changes.emplace_back(name, spec.params.get(name));
        }
        run.checkpoint_steps = checkpoint_steps(spec, options.run.checkpoint_every, options.run.checkpoint_at);
      })) {
    return kInvalidInput;
  }
  const CheckpointHeader parent = run.checkpoint;
  run.spec = &spec;
  run.options = options.run;
  run.output = options.run.output;
  // Checkpoints of the fork record the fork, so that resuming one continues the fork.
  run.checkpoint.settings.output = absolute(run.output);
  run.checkpoint.settings.after_steps = run.checkpoint_steps;
  run.checkpoint.settings.parent = absolute(checkpoint);
  run.checkpoint.settings.parent_steps = parent.steps_done;
  run.checkpoint.settings.fork_set = options.set;
  run.continue_from = checkpoint;
  run.restore = [&spec, &checkpoint, &changes] {
    auto replicates = restore_replicates(spec, checkpoint);
    for (auto& r : replicates) r->change_parameters(changes);
    return replicates;
  };
  run.attributes = {{"parent_checkpoint", absolute(checkpoint)},
                    {"parent_result", parent.settings.output},
                    {"forked_after_month", parent.month},
                    {"fork_set", joined(options.set)},
                    {"forked_with", options.run.command_line}};
  run.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();
  return execute_run(run);
}

}  // namespace partnersim::app
