#include "sim/simulation.h"

#include <algorithm>
#include <limits>
#include <mutex>

#include "sim/invariants.h"
#include "sim/parallel.h"

namespace partnersim {

namespace {

using ProfileClock = std::chrono::steady_clock;

double seconds_since(ProfileClock::time_point t0) {
  return std::chrono::duration<double>(ProfileClock::now() - t0).count();
}

}  // namespace

void RunProfile::add(const std::string& label, double seconds) {
  for (auto& t : timings) {
    if (t.label == label) {
      t.seconds += seconds;
      return;
    }
  }
  timings.push_back({label, seconds});
}

void ReplicateRun::enable_profile() {
  profiling_ = true;
  timings_.clear();
  step_slot_.assign(kPhases.size(), std::vector<std::size_t>(modules_.size(), 0));
  timings_.push_back({"begin_step", 0.0});
  for (std::size_t p = 0; p < kPhases.size(); ++p) {
    for (std::size_t i = 0; i < modules_.size(); ++i) {
      step_slot_[p][i] = timings_.size();
      const std::string phase(name_of(kPhases[p]));
      timings_.push_back({kPhases[p] == Phase::Rewire ? phase : phase + "/" + infos_[i]->name, 0.0});
    }
  }
  observe_slot_.clear();
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    observe_slot_.push_back(timings_.size());
    timings_.push_back({"observe/" + infos_[i]->name, 0.0});
  }
  observe_slot_.push_back(timings_.size());
  timings_.push_back({"observe/engine", 0.0});
}

RunDescription describe_run(const ScenarioSpec& spec) {
  return RunDescription{&spec, ModuleRegistry::instance().all_metrics()};
}

ReplicateRun::ReplicateRun(const ScenarioSpec& spec, std::uint32_t replicate, const ModuleRegistry& registry)
    : world_(spec, replicate) {
  std::size_t offset = engine_metrics().size();
  for (const auto& info : registry.modules()) {
    infos_.push_back(&info);
    modules_.push_back(info.make());
    metric_offset_.push_back(offset);
    offset += info.metrics.size();
  }
  ratio_offset_ = offset;
  ratio_inputs_ = registry.ratio_inputs();
  metrics_.assign(offset + ratio_inputs_.size(), 0.0);
  const std::size_t n = world_.organisation_count();
  cash_.resize(n);
  employees_.resize(n);
  degree_.resize(n);
  alive_.resize(n);
  checks_ = invariant_checks_default();
  expected_people_ = world_.people().size();
  configure_all();
  for (auto& m : modules_) m->setup(world_);
  check("module setup");
}

void ReplicateRun::check(const std::string& after) const {
  if (!checks_) return;
  auto problems = check_world(world_, expected_people_);
  if (problems.empty()) return;
  const int step = world_.step();
  throw InvariantViolation(step, world_.replicate(), after, std::move(problems),
                           step >= 0 ? world_.clock().month_of(step).str() : std::string("before the first step"));
}

void ReplicateRun::configure_all() {
  for (auto& m : modules_) m->configure(world_.params());
  configured_version_ = world_.params_version();
}

const StepRecord& ReplicateRun::advance() {
  const int step = next_step_++;
  auto t0 = ProfileClock::now();
  world_.clear_step_events();
  world_.begin_step(step);
  if (profiling_) timings_[0].seconds += seconds_since(t0);
  check("the start of the month (openings and dated closures)");
  for (std::size_t p = 0; p < kPhases.size(); ++p) {
    const Phase phase = kPhases[p];
    if (phase == Phase::Rewire) {
      t0 = ProfileClock::now();
      world_.apply_graph_edits();
      if (profiling_) timings_[step_slot_[p][0]].seconds += seconds_since(t0);
      check("the engine's rewire phase (applying proposed tie changes)");
      continue;
    }
    for (std::size_t i = 0; i < modules_.size(); ++i) {
      const auto& phases = infos_[i]->phases;
      if (std::find(phases.begin(), phases.end(), phase) == phases.end()) continue;
      t0 = ProfileClock::now();
      const std::uint64_t graph_writes = world_.graph_writes();
      modules_[i]->step(phase, world_);
      // A module that opened the graph for writing may have written after reading the cache.
      if (world_.graph_writes() != graph_writes) world_.ties_changed();
      if (profiling_) timings_[step_slot_[p][i]].seconds += seconds_since(t0);
      if (checks_) check("module " + infos_[i]->name + " in phase " + std::string(name_of(phase)));
      // A scheduled event may have changed parameters: later modules see the new values.
      if (world_.params_version() != configured_version_) configure_all();
    }
  }
  observe();
  return record_;
}

void ReplicateRun::observe() {
  const int step = world_.step();
  const std::size_t n = world_.organisation_count();
  auto t0 = ProfileClock::now();
  // Every tie in force, whatever its ends' state, adds one to each end's degree (as
  // World::active_degree counts them): its source's from the ties grouped by source, its
  // target's counted per block of sources (a fixed number of blocks) and summed.
  const ActiveTies& ties = world_.active_ties();
  constexpr std::size_t kDegreeBlocks = 4;
  in_degree_.resize(kDegreeBlocks * n);
  parallel_chunks(kDegreeBlocks, 1, [&](std::size_t b_begin, std::size_t b_end) {
    for (std::size_t b = b_begin; b < b_end; ++b) {
      std::int32_t* in = in_degree_.data() + b * n;
      std::fill(in, in + n, 0);
      for (const ActiveTie& t : ties.from(b * n / kDegreeBlocks, (b + 1) * n / kDegreeBlocks)) ++in[t.target];
    }
  });
  struct Totals {
    Grosze cash = 0;
    int alive = 0;
    std::int64_t tie_ends = 0;  // every active tie has two ends (a loop both at one organisation)
  };
  const auto totals =
      parallel_chunk_results<Totals>(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end, Totals& sum) {
        for (std::size_t i = begin; i < end; ++i) {
          const Organisation& o = world_.org(static_cast<std::uint32_t>(i));
          cash_[i] = grosze_to_pln(o.cash);
          employees_[i] = o.employees();
          alive_[i] = o.alive ? 1 : 0;
          auto degree = static_cast<std::int32_t>(ties.from(static_cast<std::uint32_t>(i)).size());
          for (std::size_t b = 0; b < kDegreeBlocks; ++b) degree += in_degree_[b * n + i];
          degree_[i] = degree;
          sum.cash += o.cash;
          sum.alive += alive_[i];
          sum.tie_ends += degree;
        }
      });
  Grosze cash_total = 0;
  int alive = 0;
  std::int64_t tie_ends = 0;
  for (const Totals& t : totals) {  // chunk order; integers, so exact in any order
    cash_total += t.cash;
    alive += t.alive;
    tie_ends += t.tie_ends;
  }
  metrics_[0] = static_cast<double>(world_.people().size());
  metrics_[1] = alive;
  metrics_[2] = static_cast<double>(tie_ends) / 2.0;  // even: exact
  metrics_[3] = grosze_to_pln(cash_total);
  double engine_seconds = seconds_since(t0);
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    t0 = ProfileClock::now();
    modules_[i]->observe(world_, std::span<double>(metrics_).subspan(metric_offset_[i], infos_[i]->metrics.size()));
    if (profiling_) timings_[observe_slot_[i]].seconds += seconds_since(t0);
  }
  t0 = ProfileClock::now();
  for (std::size_t r = 0; r < ratio_inputs_.size(); ++r) {
    const double denominator = metrics_[ratio_inputs_[r].second];
    metrics_[ratio_offset_ + r] =
        denominator != 0.0 ? metrics_[ratio_inputs_[r].first] / denominator : std::numeric_limits<double>::quiet_NaN();
  }

  const int every = world_.spec().output.tie_snapshot_every;
  const bool snapshot = step % every == 0 || step == world_.clock().steps() - 1;
  if (snapshot) {
    // The ties in force, from the cache brought up to date above: by source, and each
    // source's in the order they were made.
    ties_ = parallel_gather<TieRow>(n, kOrgRowChunk, [&](std::size_t begin, std::size_t end, std::vector<TieRow>& out) {
      for (const ActiveTie& t : ties.from(begin, end)) {
        out.push_back(TieRow{t.source, t.target, t.kind, t.strength, t.start_step});
      }
    });
  }
  flows_ = world_.ledger_flows();
  record_ = StepRecord{
      world_.replicate(),         step, metrics_, cash_, employees_, degree_, alive_, world_.step_events(), flows_,
      snapshot ? &ties_ : nullptr};
  engine_seconds += seconds_since(t0);
  if (profiling_) timings_[observe_slot_.back()].seconds += engine_seconds;
}

void Observer::copy_output(const std::string& /*path*/) {
  throw std::logic_error("this output cannot be checkpointed");
}

void ReplicateRun::save_state(StateWriter& out) const {
  out.put(next_step_);
  world_.save_state(out);
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    const std::size_t part = out.begin_part(infos_[i]->name);
    modules_[i]->save_state(out);
    out.end_part(part);
  }
}

void ReplicateRun::restore_state(StateReader& in) {
  in.get(next_step_);
  world_.restore_state(in);
  if (next_step_ != world_.step() + 1 || next_step_ > world_.clock().steps()) {
    throw CheckpointError(in.what() + ": the run stopped after " + std::to_string(next_step_) +
                          " steps but its world is at step " + std::to_string(world_.step()));
  }
  configure_all();  // the parameters in force when it stopped
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    StateReader part = in.part(infos_[i]->name);
    modules_[i]->restore_state(part);
    part.expect_end();
  }
  in.expect_end();
  check("restoring the checkpoint");
}

void ReplicateRun::change_parameters(const std::vector<std::pair<std::string, double>>& values) {
  for (const auto& [name, value] : values) world_.set_param(name, value);
  configure_all();
}

namespace {

// Advances one replicate up to `until` steps, handing every record to the observer.
void advance_until(ReplicateRun& replicate, int until, Observer& observer, std::mutex& observer_mutex,
                   const RunControl& control, double& output_seconds) {
  while (replicate.steps_done() < until) {
    if (control.stop != nullptr && control.stop->load()) throw Interrupted("interrupted");
    const StepRecord& record = replicate.advance();
    {
      const std::lock_guard lock(observer_mutex);
      const auto out_start = ProfileClock::now();
      observer.on_step(record);
      output_seconds += seconds_since(out_start);
    }
    if (control.on_progress) control.on_progress(record.replicate, record.step);
  }
}

void add_replicate_profile(RunProfile& profile, const ReplicateRun& replicate, double setup_seconds,
                           double output_seconds) {
  profile.add("setup (world and modules)", setup_seconds);
  for (const auto& t : replicate.timings()) {
    if (t.seconds > 0.0) profile.add(t.label, t.seconds);
  }
  profile.add("output/steps", output_seconds);
}

// With checkpoints, or continuing restored replicates: every replicate is kept and all of
// them stop together at each checkpoint.
void run_in_stages(const ScenarioSpec& spec, Observer& observer, const RunControl& control) {
  RunProfile* profile = control.profile;
  std::vector<std::unique_ptr<ReplicateRun>> own;
  std::vector<std::unique_ptr<ReplicateRun>>& replicates =
      control.continue_from != nullptr ? *control.continue_from : own;
  std::vector<double> setup_seconds(static_cast<std::size_t>(spec.replicates), 0.0);
  std::vector<double> output_seconds(static_cast<std::size_t>(spec.replicates), 0.0);
  if (control.continue_from == nullptr) {
    own.resize(static_cast<std::size_t>(spec.replicates));
    parallel_chunks(own.size(), 1, [&](std::size_t r, std::size_t /*end*/) {
      const auto t0 = ProfileClock::now();
      own[r] = std::make_unique<ReplicateRun>(spec, static_cast<std::uint32_t>(r), ModuleRegistry::instance());
      setup_seconds[r] = seconds_since(t0);
    });
  }
  if (replicates.size() != static_cast<std::size_t>(spec.replicates)) {
    throw std::logic_error("continuing " + std::to_string(replicates.size()) + " replicates of a run of " +
                           std::to_string(spec.replicates));
  }
  if (profile != nullptr) {
    for (auto& r : replicates) r->enable_profile();
  }
  const int done = replicates.empty() ? spec.steps : replicates.front()->steps_done();
  std::vector<int> stops;
  if (control.checkpoints != nullptr) {
    for (int n : control.checkpoints->after_steps) {
      if (n > done && n < spec.steps) stops.push_back(n);
    }
  }
  stops.push_back(spec.steps);
  std::mutex observer_mutex;
  for (const int until : stops) {
    parallel_chunks(replicates.size(), 1, [&](std::size_t r, std::size_t /*end*/) {
      advance_until(*replicates[r], until, observer, observer_mutex, control, output_seconds[r]);
    });
    if (until < spec.steps && control.checkpoints != nullptr && control.checkpoints->save) {
      control.checkpoints->save(until, replicates);
    }
  }
  if (profile != nullptr) {
    for (std::size_t r = 0; r < replicates.size(); ++r) {
      add_replicate_profile(*profile, *replicates[r], setup_seconds[r], output_seconds[r]);
    }
  }
}

}  // namespace

void run_scenario(const ScenarioSpec& spec, Observer& observer, const RunControl& control) {
  RunProfile* profile = control.profile;
  const RunDescription run = describe_run(spec);
  auto t0 = ProfileClock::now();
  observer.on_start(run);
  if (profile != nullptr) profile->add("output/start", seconds_since(t0));
  if (control.checkpoints != nullptr || control.continue_from != nullptr) {
    run_in_stages(spec, observer, control);
    t0 = ProfileClock::now();
    observer.on_finish();
    if (profile != nullptr) profile->add("output/finish", seconds_since(t0));
    return;
  }
  std::mutex observer_mutex;
  const auto replicates = static_cast<std::uint32_t>(spec.replicates);
  // One replicate a chunk: parallel_chunks orders the caller's work before and after the
  // replicates for ThreadSanitizer too.
  parallel_chunks(replicates, 1, [&](std::size_t replicate_begin, std::size_t /*replicate_end*/) {
    const auto r = static_cast<std::uint32_t>(replicate_begin);
    auto setup_start = ProfileClock::now();
    ReplicateRun replicate(spec, r, ModuleRegistry::instance());
    const double setup_seconds = seconds_since(setup_start);
    if (profile != nullptr) replicate.enable_profile();
    double output_seconds = 0.0;
    advance_until(replicate, spec.steps, observer, observer_mutex, control, output_seconds);
    if (profile != nullptr) {
      const std::lock_guard lock(observer_mutex);
      add_replicate_profile(*profile, replicate, setup_seconds, output_seconds);
    }
  });
  t0 = ProfileClock::now();
  observer.on_finish();
  if (profile != nullptr) profile->add("output/finish", seconds_since(t0));
}

}  // namespace partnersim
