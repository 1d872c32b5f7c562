// `partnersim batch --jobs N` (N > 1, not under mpirun) runs its runs in N worker processes:
// copies of partnersim started as `partnersim batch SWEEP -o DIR --worker-pipes R,W`, which
// take run ids from this process through a pipe, one at a time, and answer when each is done.
// Debian's HDF5 is built thread-safe, which puts one lock around every call into the library:
// runs on threads of one process waited for each other's output (the larger part of a small
// run), while processes each have a library of their own. Results do not depend on the split.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/batch_command.h"
#include "sim/batch/batch.h"

namespace partnersim::app {

// Hands the runs of `pending` (`count` of them) out to `jobs` worker processes, as they become
// free, until every run is done
// or `stop` is set (the workers are then stopped; a run cut short leaves no file).
// `on_finished` is called for every run finished (progress). A worker that dies during a run
// has that run recorded as failed. Throws OutputError if no worker can be started.
BatchOutcome run_in_worker_processes(const BatchOptions& options, const Batch& batch, RunSource& pending,
                                     std::uint64_t count, int jobs, const std::atomic<bool>& stop,
                                     const std::function<void(bool failed)>& on_finished);

// The worker's side, for `--worker-pipes R,W`: reads the batch's command line (for the run
// files' provenance), then runs the ids that come through R, answering each through W.
// Returns the process exit code.
struct WorkerPipes {
  int read_fd = -1;
  int write_fd = -1;
};
bool parse_worker_pipes(const std::string& text, WorkerPipes& pipes);
std::string read_worker_command_line(const WorkerPipes& pipes);
int serve_runs(const Batch& batch, const WorkerPipes& pipes, const std::atomic<bool>& stop);

}  // namespace partnersim::app
