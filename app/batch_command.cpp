#include "app/batch_command.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>
#include <unistd.h>

#include "app/batch_mpi.h"
#include "app/batch_workers.h"
#include "app/commands.h"
#include "app/progress.h"
#include "sim/batch/batch.h"
#include "sim/output/hdf5_writer.h"
#include "sim/simulation.h"

namespace partnersim::app {

namespace {

std::atomic<bool> g_batch_stop{false};

extern "C" void request_batch_stop(int /*signal*/) { g_batch_stop.store(true); }

void print_error(const std::string& message) { std::cerr << "partnersim: error: " << message << '\n'; }

// "I/N" with 1 <= I <= N.
bool parse_shard(const std::string& text, int& shard, int& shards) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  const auto number = [](std::string_view s, int& out) {
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && ptr == s.data() + s.size() && !s.empty();
  };
  const std::string_view all(text);
  return number(all.substr(0, slash), shard) && number(all.substr(slash + 1), shards) && shards >= 1 && shard >= 1 &&
         shard <= shards;
}

}  // namespace

int batch_command(const BatchOptions& options, const MpiSession& mpi) {
  keep_freed_memory();
  const bool leader = mpi.rank() == 0;
  int shard = 1;
  int shards = 1;
  if (!options.shard.empty() && !parse_shard(options.shard, shard, shards)) {
    if (leader) print_error("--shard: expected I/N with 1 <= I <= N, e.g. 2/8; got \"" + options.shard + "\"");
    return kInvalidInput;
  }
  if (launched_by_mpi() && !mpi.active()) {
    print_error("started by mpirun, but this partnersim was built without MPI: every rank would run the whole sweep");
    return kInvalidInput;
  }
  // A worker process of another batch takes its runs through pipes (app/batch_workers.h).
  const bool worker = !options.worker_pipes.empty();
  WorkerPipes pipes;
  if (worker && !parse_worker_pipes(options.worker_pipes, pipes)) {
    print_error("--worker-pipes: expected R,W (file descriptors)");
    return kInvalidInput;
  }
  std::string command_line = options.command_line;
  if (worker) {
    try {
      command_line = read_worker_command_line(pipes);
    } catch (const std::exception& e) {
      print_error(e.what());
      return kRunFailed;
    }
  }
  std::unique_ptr<Batch> batch;
  try {
    SweepSpec sweep = load_sweep(options.sweep, options.steps);
    batch = std::make_unique<Batch>(std::move(sweep), options.output, command_line, PARTNERSIM_VERSION);
  } catch (const ScenarioError& e) {
    if (leader) print_error(e.what());
    return kInvalidInput;
  }

  // Rank 0 claims the folder; the others learn whether they may go on.
  int claim = kOk;
  if (leader) {
    try {
      batch->claim_output();
    } catch (const SweepMismatch& e) {
      print_error(e.what());
      claim = kOutputExists;
    } catch (const std::exception& e) {
      print_error(e.what());
      claim = kRunFailed;
    }
  }
  claim = mpi.broadcast(claim);
  if (claim != kOk) return claim;

  if (options.index_only) {
    if (!leader) return kOk;
    try {
      batch->write_index();
    } catch (const std::exception& e) {
      print_error(e.what());
      return kRunFailed;
    }
    if (!options.quiet) std::printf("partnersim batch: index written -> %s\n", batch->index_file().c_str());
    return kOk;
  }

  int jobs = options.jobs;
  if (jobs <= 0) {
    // Under MPI one run per rank: launchers bind a rank to a core.
    jobs = mpi.active() ? 1 : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  }
  g_batch_stop.store(false);
  std::signal(SIGINT, request_batch_stop);
  std::signal(SIGTERM, request_batch_stop);
  if (worker) return serve_runs(*batch, pipes, g_batch_stop);

  const auto started = std::chrono::steady_clock::now();
  // Only the leader hands out runs (to its workers, or to every rank under MPI).
  std::optional<PendingRuns> pending;
  if (leader) pending.emplace(*batch, shard, shards);
  const auto to_run = static_cast<std::int64_t>(pending ? pending->count() : 0);
  const std::uint64_t total = batch->run_count();
  BatchOutcome outcome;
  try {
    ProgressBar bar(to_run, leader && !options.quiet && isatty(STDERR_FILENO) != 0, "runs");
    if (mpi.active() && mpi.size() > 1) {
      auto source = make_mpi_run_source(
          mpi, pending ? &*pending : nullptr, [&bar](bool) { bar.advance(); }, &g_batch_stop);
      outcome = batch->execute(*source, jobs, &g_batch_stop);
      source->close();
    } else if (jobs > 1 && !launched_by_mpi()) {
      // Processes rather than threads: HDF5 calls of threads wait for each other.
      outcome = run_in_worker_processes(options, *batch, *pending, pending->count(), jobs, g_batch_stop,
                                        [&bar](bool) { bar.advance(); });
    } else {
      struct Source : RunSource {
        Source(RunSource& runs, ProgressBar& b) : inner(runs), bar(b) {}
        std::optional<std::uint64_t> next() override { return inner.next(); }
        void finished(bool /*failed*/) override { bar.advance(); }
        RunSource& inner;
        ProgressBar& bar;
      } source(*pending, bar);
      outcome = batch->execute(source, jobs, &g_batch_stop);
    }
    bar.stop();
  } catch (const std::exception& e) {
    print_error(e.what());
    return kRunFailed;
  }
  const std::uint64_t ran = mpi.sum(outcome.ran);
  const std::uint64_t failed = mpi.sum(outcome.failed);
  const bool interrupted = mpi.max(outcome.interrupted ? 1 : 0) != 0;
  mpi.barrier();  // every rank's files are in place
  if (!leader) return interrupted ? kInterrupted : failed > 0 ? kRunFailed : kOk;

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (interrupted) {
    std::cerr << "partnersim: batch interrupted after " << ran << " of " << to_run
              << " runs; finished runs are kept: run the same command again to do the rest\n";
    return kInterrupted;
  }
  const std::uint64_t unfinished = batch->unfinished_runs();
  std::string where;
  if (unfinished == 0) {
    try {
      batch->write_index();
    } catch (const std::exception& e) {
      print_error(e.what());
      return kRunFailed;
    }
    where = batch->index_file();
  } else {
    where = std::to_string(unfinished) +
            " runs of the sweep are in other shards; the last shard to finish writes the index (or use --index-only)";
  }
  if (!options.quiet) {
    std::printf(
        "partnersim batch: %llu runs (%zu points x %d replicates), %llu run now in %.2f s (%.2f runs/s), "
        "%llu failed -> %s\n",
        static_cast<unsigned long long>(total), batch->points().size(), batch->sweep().replicates,
        static_cast<unsigned long long>(ran), seconds, seconds > 0 ? static_cast<double>(ran) / seconds : 0.0,
        static_cast<unsigned long long>(failed), where.c_str());
  }
  if (failed > 0) {
    print_error(std::to_string(failed) + " run(s) failed; their messages are in " + options.output +
                "/runs/*.failed and the index's design/message");
    return kRunFailed;
  }
  return kOk;
}

}  // namespace partnersim::app
