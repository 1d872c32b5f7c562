// MPI for `partnersim batch` (optional: without MPI at build time partnersim runs batches on
// one machine). MPI is started only when the process was launched by mpirun, so a plain
// `partnersim batch` behaves the same whether or not MPI was built in.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sim/batch/batch.h"

namespace partnersim::app {

// True when an MPI launcher started this process (OpenMPI, MPICH/Hydra or PMIx variables).
bool launched_by_mpi();
// Whether this binary was built with MPI.
bool built_with_mpi();

class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);  // starts MPI if launched_by_mpi() and built with it
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  [[nodiscard]] bool active() const { return active_; }
  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }

  [[nodiscard]] int broadcast(int value) const;  // rank 0's value on every rank
  [[nodiscard]] std::uint64_t sum(std::uint64_t value) const;
  [[nodiscard]] int max(int value) const;
  void barrier() const;

 private:
  bool active_ = false;
  int rank_ = 0;
  int size_ = 1;
};

// A RunSource spanning the ranks. Rank 0 owns the runs (`pending`, null on the other ranks;
// it must outlive the source): its own workers take from it
// directly and a dispatcher thread hands runs out to the other ranks one at a time, as they
// ask, so no rank idles while another has a queue. `on_finished` is called on rank 0 for
// runs finished anywhere (progress). close() must be called on every rank after the workers
// stopped; on rank 0 it returns once every other rank has been told there is nothing left.
class MpiRunSource : public RunSource {
 public:
  virtual void close() = 0;
};
std::unique_ptr<MpiRunSource> make_mpi_run_source(const MpiSession& session, RunSource* pending,
                                                  std::function<void(bool failed)> on_finished,
                                                  const std::atomic<bool>* stop);

}  // namespace partnersim::app
