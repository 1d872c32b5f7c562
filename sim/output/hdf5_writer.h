// Writes a run to HDF5 as it happens, a chunk of steps at a time (see docs/OUTPUT.md for the
// layout and when data reaches the file). An Observer: the model never sees it. The file is
// written under a temporary name in the target folder and renamed only when complete, so a
// result that exists is a result that finished.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/simulation.h"

namespace partnersim {

// 2: the event log's kind and note are dictionary codes, the tie snapshots' kind an enumeration.
inline constexpr int kOutputFormatVersion = 2;

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The target exists and --force was not given.
class OutputExists : public OutputError {
 public:
  using OutputError::OutputError;
};

struct WriterOptions {
  std::string path;                // final file name
  bool force = false;              // replace an existing file (only once the new one is complete)
  std::string command_line;        // recorded as provenance
  std::string partnersim_version;  // recorded as provenance
  // A checkpoint (sim/output/checkpoint.h) whose output so far this writer continues
  // instead of starting a new file; empty for a new run.
  std::string continue_from{};
};

class Hdf5Writer : public Observer {
 public:
  // Checks the target (OutputExists / OutputError) before anything runs.
  explicit Hdf5Writer(WriterOptions options);
  ~Hdf5Writer() override;  // removes the temporary file unless the run was committed
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  void on_start(const RunDescription& run) override;
  void on_step(const StepRecord& record) override;
  void on_finish() override;  // flushes, closes and renames into place
  void copy_output(const std::string& path) override;

  [[nodiscard]] const std::string& temporary_path() const { return temp_path_; }

  // One more root attribute (text), e.g. a batch run's place in its sweep or the checkpoint a
  // run continues; before on_start.
  void add_root_attribute(std::string name, std::string value) {
    extra_attributes_.emplace_back(std::move(name), std::move(value));
  }

 private:
  struct Impl;
  WriterOptions options_;
  std::string temp_path_;
  std::unique_ptr<Impl> impl_;
  bool committed_ = false;
  std::vector<std::pair<std::string, std::string>> extra_attributes_;
};

}  // namespace partnersim
