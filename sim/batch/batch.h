// Running a sweep: one result file per run in DIR/runs/, written by the HDF5 writer (a
// file that exists is a run that finished), failures recorded next to them, and the index
// DIR/sweep.h5 assembled from the run files. Runs are independent, so any split of the work
// (threads, shards, MPI ranks) gives the same files; see docs/BATCH.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/batch/run_scenarios.h"
#include "sim/batch/sweep.h"
#include "sim/spec.h"

namespace partnersim {

// The output folder belongs to another sweep (its fingerprint differs).
class SweepMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class RunStatus : std::int8_t { Done = 0, Failed = 1, Missing = 2 };

// Hands out run ids to workers; thread-safe. nullopt: nothing left.
class RunSource {
 public:
  virtual ~RunSource() = default;
  virtual std::optional<std::uint64_t> next() = 0;
  // A worker finished a run it was given (failed or not); for progress and totals.
  virtual void finished(bool /*failed*/) {}
};

struct BatchOutcome {
  std::uint64_t ran = 0;     // runs attempted now
  std::uint64_t failed = 0;  // of those, failed
  bool interrupted = false;
};

class Batch {
 public:
  // Parses nothing: takes a validated sweep. Computes the design (cheap) but touches no file.
  Batch(SweepSpec sweep, std::string output_dir, std::string command_line, std::string version);

  [[nodiscard]] const SweepSpec& sweep() const { return sweep_; }
  [[nodiscard]] const std::vector<DesignPoint>& points() const { return points_; }
  // Runs are computed from their id (sweep_run), not listed: a process of a sweep of any size
  // holds no table of its runs.
  [[nodiscard]] std::uint64_t run_count() const { return run_count_; }
  [[nodiscard]] SweepRun run(std::uint64_t id) const;
  [[nodiscard]] const std::string& output_dir() const { return dir_; }
  [[nodiscard]] std::string run_file(std::uint64_t id) const;
  [[nodiscard]] std::string failure_file(std::uint64_t id) const;
  [[nodiscard]] std::string index_file() const;

  // Creates the folder and claims it for this sweep, or checks that it holds this sweep
  // (SweepMismatch otherwise). Safe when several processes do it at once.
  void claim_output() const;

  [[nodiscard]] RunStatus status(std::uint64_t id, std::string* message = nullptr) const;
  // Runs of the whole sweep neither done nor failed.
  [[nodiscard]] std::uint64_t unfinished_runs() const;

  // Runs what `source` hands out on `jobs` workers (each run single-threaded inside, so at
  // most `jobs` runs are in memory), until it is exhausted or `stop` is set.
  BatchOutcome execute(RunSource& source, int jobs, const std::atomic<bool>* stop) const;
  // Runs one run; returns false if it failed (the failure is recorded). Throws Interrupted.
  bool execute_run(std::uint64_t id, const std::atomic<bool>* stop) const;

  // Records that run `id` failed, with `message` (as a failing run does itself).
  void record_failure(std::uint64_t id, const std::string& message) const;

  // Writes DIR/sweep.h5 from the run files present (atomically replacing an older one), and,
  // when the sweep is complete, removes temporary files left by killed processes.
  void write_index() const;

 private:
  SweepSpec sweep_;
  std::string dir_;
  std::string command_line_;
  std::string version_;
  std::vector<DesignPoint> points_;
  std::uint64_t run_count_ = 0;
  std::string fingerprint_;
  ScenarioSpec base_;  // the base scenario with the sweep's steps, for the index's months
  std::shared_ptr<const RunScenarios> scenarios_;
};

// The runs of shard `shard` of `shards` (1-based; 1 of 1 is the whole sweep) not yet done, in
// run order. They are counted when it is made and found again as they are handed out, so no
// list of runs is kept: memory does not grow with the sweep. Safe to call from many threads.
class PendingRuns : public RunSource {
 public:
  PendingRuns(const Batch& batch, int shard, int shards);
  [[nodiscard]] std::uint64_t count() const { return count_; }
  std::optional<std::uint64_t> next() override;

 private:
  std::optional<std::uint64_t> find_next(std::uint64_t& position) const;

  const Batch& batch_;
  std::vector<std::uint32_t> point_order_;
  std::uint64_t replicates_ = 1;
  std::uint64_t runs_ = 0;
  std::uint64_t shard_ = 0;  // 0-based
  std::uint64_t shards_ = 1;
  std::uint64_t count_ = 0;
  std::mutex mutex_;
  std::uint64_t position_ = 0;  // next place in the run order to look at
};

// The index read back (for tests and tools): design columns and gathered metrics.
struct SweepIndex {
  std::map<std::string, std::string> attributes;  // root attributes as text
  std::vector<std::int64_t> run, point, replicate, group, position, factor, status;
  std::vector<std::uint64_t> seed;
  std::vector<std::string> message, file;
  std::map<std::string, std::vector<double>> values;   // varied parameter -> [run]
  std::map<std::string, std::vector<double>> metrics;  // metric -> [run * steps + step]
  std::size_t steps = 0;
};
SweepIndex read_sweep_index(const std::string& path);

}  // namespace partnersim
