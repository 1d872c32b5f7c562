// `partnersim batch`: runs a sweep (docs/BATCH.md). Returns the process exit code.
#pragma once

#include <optional>
#include <string>

namespace partnersim::app {

class MpiSession;

struct BatchOptions {
  std::string sweep;
  std::string output;
  int jobs = 0;  // 0: all cores (1 per rank under MPI)
  std::optional<int> steps;
  std::string shard;  // "I/N", empty for the whole sweep
  bool index_only = false;
  // With --jobs N > 1: each worker process is replaced by a fresh one after this many runs, so
  // that slow growth of a process's memory (heap, HDF5) cannot add up over a long sweep.
  int runs_per_process = 50;
  bool quiet = false;
  std::string command_line;
  std::string worker_pipes;  // "R,W": a worker process of another batch (app/batch_workers.h)
};

int batch_command(const BatchOptions& options, const MpiSession& mpi);

}  // namespace partnersim::app
