// Checkpoints of a run (docs/RELIABILITY.md, "Checkpoint, resume, fork"): one HDF5 file that
// is a copy of the unfinished result (every step written so far, in the layout of
// docs/OUTPUT.md) plus a /checkpoint group with how the run was started and the complete
// state of every replicate after the same number of steps. It is written under a temporary
// name and renamed, so a checkpoint that exists is whole; each one replaces the previous.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/simulation.h"
#include "sim/state_io.h"

namespace partnersim {

inline constexpr int kCheckpointFormatVersion = 1;

// How the run was started: enough to build the same scenario again.
struct CheckpointSettings {
  std::string scenario;  // the scenario file, absolute path
  std::optional<int> steps;
  std::optional<std::uint64_t> seed;
  std::optional<int> replicates;
  std::vector<std::string> set;       // --set of the run ("module.param=value")
  std::string output;                 // the result the run writes, absolute path
  std::vector<int> after_steps;       // when it checkpoints (steps done)
  std::string parent;                 // a fork: the checkpoint it started from
  int parent_steps = 0;               // ... and after how many steps
  std::vector<std::string> fork_set;  // ... with these changes ("module.param=value")
};

struct CheckpointHeader {
  CheckpointSettings settings;
  int steps_done = 0;
  std::string month;  // the last month done, YYYY-MM
  int replicates = 0;
  std::string partnersim_version;
  std::string scenario_source;  // /scenario/source of the output: the scenario as it was read
};

// Saves the run: copies what `output` has written so far and adds every replicate's state.
void write_checkpoint(const std::string& path, Observer& output, const CheckpointHeader& header,
                      const std::vector<std::unique_ptr<ReplicateRun>>& replicates);

// Reads the header; CheckpointError when the file is not a whole checkpoint of this version.
CheckpointHeader read_checkpoint(const std::string& path, const std::string& partnersim_version);

// The state of one replicate as written by ReplicateRun::save_state.
std::vector<std::byte> read_replicate_state(const std::string& path, std::uint32_t replicate);

// Where a run writing `output` keeps its checkpoint by default.
std::string default_checkpoint_path(const std::string& output);

}  // namespace partnersim
