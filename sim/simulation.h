// Runs a scenario: one World and one set of module instances per replicate, advanced by a
// scheduler of phases, observed after every step. Replicates run in parallel; observers see
// one step record at a time (calls are serialised), never the model's internals.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/module.h"
#include "sim/registry.h"
#include "sim/spec.h"
#include "sim/world.h"

namespace partnersim {

struct TieRow {
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  TieKind kind = TieKind::Partnership;
  float strength = 0.0F;
  std::int32_t start_step = 0;
};

// Everything an observer learns about one step of one replicate.
struct StepRecord {
  std::uint32_t replicate = 0;
  int step = 0;
  std::span<const double> metrics;  // in the order of RunDescription::metrics
  std::span<const double> org_cash_pln;
  std::span<const std::int32_t> org_employees;
  std::span<const std::int32_t> org_degree;
  std::span<const std::uint8_t> org_alive;
  std::span<const LoggedEvent> events;
  std::span<const LedgerFlow> flows;          // money moved this month, by class and channel
  const std::vector<TieRow>* ties = nullptr;  // set on snapshot steps only
};

struct RunDescription {
  const ScenarioSpec* spec = nullptr;
  std::vector<MetricSpec> metrics;
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_start(const RunDescription& /*run*/) {}
  virtual void on_step(const StepRecord& record) = 0;
  virtual void on_finish() {}
  // For checkpoints: makes everything received so far durable and copies the output
  // written so far to `path`. Called between steps, when no on_step is running.
  virtual void copy_output(const std::string& path);
};

// Time spent per phase and module, summed over steps (for --profile).
struct PhaseTiming {
  std::string label;  // "people/reintegration", "rewire", "observe"
  double seconds = 0.0;
};

// Wall time per label, summed over steps and replicates, in order of first appearance.
// Only measures: turning it on changes no result.
struct RunProfile {
  std::vector<PhaseTiming> timings;
  void add(const std::string& label, double seconds);
};

// One replicate: its world, its module instances and the phase schedule.
class ReplicateRun {
 public:
  ReplicateRun(const ScenarioSpec& spec, std::uint32_t replicate, const ModuleRegistry& registry);

  // Advances one step and fills `record` (valid until the next call).
  const StepRecord& advance();
  [[nodiscard]] bool finished() const { return next_step_ >= world_.clock().steps(); }
  World& world() { return world_; }
  [[nodiscard]] const World& world() const { return world_; }
  // Checks the invariants of sim/invariants.h after every module's work and throws
  // InvariantViolation on the first failure (default: invariant_checks_default()).
  void set_checks(bool on) { checks_ = on; }
  [[nodiscard]] bool checks() const { return checks_; }

  // Checkpoints: the world, every module's state (in registry order, each named) and the
  // run's position. restore_state continues a run built from the same spec and registry
  // from where the saved one stopped.
  void save_state(StateWriter& out) const;
  void restore_state(StateReader& in);
  [[nodiscard]] int steps_done() const { return next_step_; }
  // Changes parameters from the next step on (a fork of a checkpoint); values must have
  // been validated against the registry.
  void change_parameters(const std::vector<std::pair<std::string, double>>& values);

  // Times every phase and module of later steps (see RunProfile).
  void enable_profile();
  [[nodiscard]] const std::vector<PhaseTiming>& timings() const { return timings_; }

 private:
  void configure_all();
  void observe();
  void check(const std::string& after) const;

  World world_;
  std::vector<const ModuleInfo*> infos_;
  std::vector<std::unique_ptr<Module>> modules_;
  std::vector<std::size_t> metric_offset_;  // first metric slot of each module
  std::size_t ratio_offset_ = 0;            // first slot of the ratio metrics
  std::vector<std::pair<std::size_t, std::size_t>> ratio_inputs_;
  std::uint64_t configured_version_ = 0;
  int next_step_ = 0;
  bool checks_ = false;
  std::size_t expected_people_ = 0;

  std::vector<double> metrics_;
  std::vector<double> cash_;
  std::vector<std::int32_t> employees_;
  std::vector<std::int32_t> degree_;
  std::vector<std::int32_t> in_degree_;  // scratch: ties in force by target, per block of sources
  std::vector<std::uint8_t> alive_;
  std::vector<TieRow> ties_;
  std::vector<LedgerFlow> flows_;
  StepRecord record_;

  bool profiling_ = false;
  std::vector<PhaseTiming> timings_;
  std::vector<std::vector<std::size_t>> step_slot_;  // [phase][module] -> timings_ index
  std::vector<std::size_t> observe_slot_;            // per module, then the engine's own
};

// When to stop every replicate at a common month and save the run (see sim/checkpoint.h).
struct CheckpointPlan {
  std::vector<int> after_steps;  // ascending; a checkpoint after this many steps (0 < n < steps)
  // Called between steps, after every record up to the checkpoint reached the observer.
  std::function<void(int steps_done, const std::vector<std::unique_ptr<ReplicateRun>>& replicates)> save;
};

struct RunControl {
  const std::atomic<bool>* stop = nullptr;                             // set asynchronously to interrupt
  std::function<void(std::uint32_t replicate, int step)> on_progress;  // any thread
  RunProfile* profile = nullptr;                                       // filled when set (--profile)
  const CheckpointPlan* checkpoints = nullptr;                         // none when null
  // Replicates restored from a checkpoint (resume, fork), all at the same step: the run
  // continues them instead of starting afresh. The observer must continue that run's output.
  std::vector<std::unique_ptr<ReplicateRun>>* continue_from = nullptr;
};

class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs every replicate of the spec, in parallel, reporting to the observer.
void run_scenario(const ScenarioSpec& spec, Observer& observer, const RunControl& control = {});

RunDescription describe_run(const ScenarioSpec& spec);

}  // namespace partnersim
