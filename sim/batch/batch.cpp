#include "sim/batch/batch.h"

#include <hdf5.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>
#include <unistd.h>

#include "sim/output/h5_handle.h"
#include "sim/output/hdf5_writer.h"
#include "sim/simulation.h"

namespace partnersim {

namespace fs = std::filesystem;

namespace {

using h5::Handle;

constexpr int kIndexFormatVersion = 1;
constexpr hsize_t kIndexBlockRows = 64;  // runs gathered per write: bounds the index's memory
constexpr std::size_t kMonthChars = 7;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `text` to `target` via a temporary file in the same folder and a rename, so that
// readers see the old content or the new one, never a part.
void write_atomically(const fs::path& target, const std::string& text) {
  const fs::path temp =
      target.parent_path() / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out)
      throw OutputError(target.string() + ": cannot write " + temp.string() + " (" + std::strerror(errno) + ")");
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw OutputError(target.string() + ": cannot move " + temp.string() + " into place (" + ec.message() + ")");
  }
}

// "host:pid" of the process that ran a run (which rank or shard did what).
std::string host_and_pid() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(::getpid());
}

// ---- HDF5 helpers for the index -------------------------------------------------------

class IndexWriter {
 public:
  explicit IndexWriter(std::string path) : path_(std::move(path)) {}

  [[nodiscard]] Handle text_type() const { return h5::text_type(path_); }
  void text_attr(hid_t obj, const char* name, const std::string& value) const {
    h5::write_text_attribute(obj, name, value, path_);
  }
  void int_attr(hid_t obj, const char* name, std::int64_t value) const {
    h5::write_int_attribute(obj, name, value, path_);
  }
  void double_attr(hid_t obj, const char* name, double value) const {
    h5::write_double_attribute(obj, name, value, path_);
  }
  Handle group(hid_t parent, const char* name) const {
    const Handle gcpl = h5::plist(H5Pcreate(H5P_GROUP_CREATE), path_, "create group properties");
    h5::check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), path_,
              "track link creation order");
    return h5::group(H5Gcreate2(parent, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), path_,
                     std::string("create group ") + name);
  }
  // A 1-D dataset written whole.
  void column(hid_t parent, const std::string& name, hid_t file_type, hid_t mem_type, const void* data, std::size_t n,
              const std::string& description) const {
    const hsize_t dims[1] = {n};
    const Handle space = h5::dataspace(H5Screate_simple(1, dims, nullptr), path_, "create a dataspace");
    const Handle ds =
        h5::dataset(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    path_, "create dataset " + name);
    if (n > 0) h5::check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), path_, "write", name);
    text_attr(ds.get(), "description", description);
  }
  // A dataset of `n` rows (of `cols` values each, or one value if `cols` is 0) written a block
  // of rows at a time with write_rows. Each chunk is one block, written once and whole, so no
  // chunk cache is needed: without one, memory does not grow with the number of datasets.
  Handle rows(hid_t parent, const std::string& name, hid_t file_type, hsize_t n, hsize_t cols,
              const std::string& description) const {
    const int rank = cols > 0 ? 2 : 1;
    const hsize_t dims[2] = {n, cols};
    const Handle space = h5::dataspace(H5Screate_simple(rank, dims, nullptr), path_, "create a dataspace");
    const Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), path_, "create dataset properties");
    if (n > 0) {
      const hsize_t chunk[2] = {std::min<hsize_t>(n, kIndexBlockRows), std::max<hsize_t>(cols, 1)};
      h5::check(H5Pset_chunk(dcpl.get(), rank, chunk), path_, "set chunks");
      if (H5Tget_class(file_type) == H5T_FLOAT) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        h5::check(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &nan), path_, "set the fill value");
      }
      if (H5Tis_variable_str(file_type) <= 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
        h5::check(H5Pset_deflate(dcpl.get(), 4), path_, "set compression");
      }
    }
    const Handle dapl = h5::plist(H5Pcreate(H5P_DATASET_ACCESS), path_, "create dataset access properties");
    h5::check(H5Pset_chunk_cache(dapl.get(), 0, 0, 1.0), path_, "turn the chunk cache off");
    Handle ds =
        h5::dataset(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), dapl.get()),
                    path_, "create dataset " + name);
    if (!description.empty()) text_attr(ds.get(), "description", description);
    return ds;
  }
  // Writes rows [first, first + count) of a dataset made by rows().
  void write_rows(hid_t ds, hid_t mem_type, hsize_t first, hsize_t count, hsize_t cols, const void* data) const {
    const int rank = cols > 0 ? 2 : 1;
    const Handle fspace = h5::dataspace(H5Dget_space(ds), path_, "get a dataspace");
    const hsize_t start[2] = {first, 0};
    const hsize_t shape[2] = {count, cols};
    h5::check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, shape, nullptr), path_, "select rows");
    const Handle mspace = h5::dataspace(H5Screate_simple(rank, shape, nullptr), path_, "create a dataspace");
    h5::check(H5Dwrite(ds, mem_type, mspace.get(), fspace.get(), H5P_DEFAULT, data), path_, "write rows");
  }
  void text(hid_t parent, const char* name, const std::string& value, const std::string& description) const {
    const Handle type = text_type();
    const Handle space = h5::dataspace(H5Screate(H5S_SCALAR), path_, "create a dataspace");
    const Handle ds =
        h5::dataset(H5Dcreate2(parent, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path_,
                    std::string("create dataset ") + name);
    const char* data = value.c_str();
    h5::check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, static_cast<const void*>(&data)), path_,
              "write", name);
    text_attr(ds.get(), "description", description);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Handle open_run_file(const std::string& path) {
  const Handle fapl = h5::file_access(path);
  return h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), path, "open");
}

// Reads /metrics/<name> of a one-replicate run file into `out` (steps values).
void read_run_metric(hid_t file, const std::string& path, const std::string& name, double* out, hsize_t steps) {
  const std::string full = "/metrics/" + name;
  const Handle ds = h5::dataset(H5Dopen2(file, full.c_str(), H5P_DEFAULT), path, "open " + full);
  const Handle space = h5::dataspace(H5Dget_space(ds.get()), path, "get the shape of " + full);
  hsize_t dims[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(space.get()) != 2) throw OutputError(path + ": " + full + " is not [replicate, step]");
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  if (dims[0] != 1 || dims[1] != steps) {
    throw OutputError(path + ": " + full + " has shape [" + std::to_string(dims[0]) + ", " + std::to_string(dims[1]) +
                      "], expected [1, " + std::to_string(steps) + "]");
  }
  h5::check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), path, "read", full);
}

}  // namespace

Batch::Batch(SweepSpec sweep, std::string output_dir, std::string command_line, std::string version)
    : sweep_(std::move(sweep)),
      dir_(std::move(output_dir)),
      command_line_(std::move(command_line)),
      version_(std::move(version)) {
  points_ = design_points(sweep_);
  run_count_ = std::uint64_t{points_.size()} * static_cast<std::uint64_t>(sweep_.replicates);
  fingerprint_ = sweep_fingerprint(sweep_);
  ScenarioOverrides overrides;
  overrides.steps = sweep_.steps;
  overrides.replicates = 1;
  base_ = parse_scenario(sweep_.scenario_text, sweep_.scenario_path, overrides);
  scenarios_ = std::make_shared<const RunScenarios>(sweep_);
}

SweepRun Batch::run(std::uint64_t id) const {
  if (id >= run_count_) {
    throw std::out_of_range("run " + std::to_string(id) + " is not in the sweep (" + std::to_string(run_count_) +
                            " runs)");
  }
  return sweep_run(sweep_, id);
}

std::string Batch::run_file(std::uint64_t id) const {
  std::array<char, 32> name{};
  std::snprintf(name.data(), name.size(), "run-%06llu.h5", static_cast<unsigned long long>(id));
  return (fs::path(dir_) / "runs" / name.data()).string();
}

std::string Batch::failure_file(std::uint64_t id) const {
  std::string path = run_file(id);
  path.replace(path.size() - 3, 3, ".failed");
  return path;
}

std::string Batch::index_file() const { return (fs::path(dir_) / "sweep.h5").string(); }

void Batch::claim_output() const {
  std::error_code ec;
  fs::create_directories(fs::path(dir_) / "runs", ec);
  if (ec) throw OutputError(dir_ + ": cannot create the output folder (" + ec.message() + ")");
  const fs::path marker = fs::path(dir_) / "sweep.id";
  const std::string first_line = "partnersim sweep " + fingerprint_;
  const std::string content = first_line + "\nsweep " + sweep_.path + "\nscenario " + sweep_.scenario_path + "\n";
  const fs::path temp = fs::path(dir_) / (".sweep.id.partial-" + std::to_string(::getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw OutputError(dir_ + ": cannot write in the output folder (" + std::strerror(errno) + ")");
  }
  // link() fails if the marker exists: exactly one of several processes starting at once
  // creates it, and the others compare against it.
  const int rc = ::link(temp.c_str(), marker.c_str());
  const int error = errno;
  fs::remove(temp, ec);
  if (rc != 0 && error != EEXIST) {
    throw OutputError(marker.string() + ": cannot create (" + std::strerror(error) + ")");
  }
  const std::string existing = read_text(marker);
  const std::string existing_first = existing.substr(0, existing.find('\n'));
  if (existing_first != first_line) {
    std::string origin = existing.substr(existing.find('\n') + 1);
    origin = origin.substr(0, origin.find('\n'));
    throw SweepMismatch(dir_ + " holds the results of another sweep (" + existing_first.substr(17) + ", " + origin +
                        "); this sweep (" + fingerprint_ +
                        ") differs in its sweep file, base scenario or steps: use another output folder");
  }
}

RunStatus Batch::status(std::uint64_t id, std::string* message) const {
  std::error_code ec;
  if (fs::exists(run_file(id), ec)) return RunStatus::Done;
  const std::string failed = failure_file(id);
  if (fs::exists(failed, ec)) {
    if (message != nullptr) *message = read_text(failed);
    return RunStatus::Failed;
  }
  return RunStatus::Missing;
}

PendingRuns::PendingRuns(const Batch& batch, int shard, int shards)
    : batch_(batch),
      point_order_(point_run_order(batch.points())),
      replicates_(static_cast<std::uint64_t>(batch.sweep().replicates)),
      runs_(batch.run_count()),
      shard_(static_cast<std::uint64_t>(shard - 1)),
      shards_(static_cast<std::uint64_t>(shards)) {
  std::uint64_t position = 0;
  while (find_next(position)) ++count_;
}

// The next pending run at or after `position` in the run order; moves `position` past it.
std::optional<std::uint64_t> PendingRuns::find_next(std::uint64_t& position) const {
  const auto points = static_cast<std::uint64_t>(point_order_.size());
  while (position < runs_) {
    const std::uint64_t k = position++;
    const std::uint64_t id = point_order_[k % points] * replicates_ + k / points;
    if (id % shards_ == shard_ && batch_.status(id) != RunStatus::Done) return id;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> PendingRuns::next() {
  const std::lock_guard lock(mutex_);
  return find_next(position_);
}

std::uint64_t Batch::unfinished_runs() const {
  std::uint64_t n = 0;
  for (std::uint64_t id = 0; id < run_count_; ++id) n += status(id) == RunStatus::Missing ? 1 : 0;
  return n;
}

bool Batch::execute_run(std::uint64_t id, const std::atomic<bool>* stop) const {
  const SweepRun run = this->run(id);
  const DesignPoint& point = points_.at(run.point);
  const std::vector<std::string> set = point_overrides(sweep_, point);
  std::string varied;
  for (const auto& s : set) varied += (varied.empty() ? "" : " ") + s;
  std::string failure;
  try {
    const ScenarioSpec spec = scenarios_->make(run.seed, set);
    Hdf5Writer writer(WriterOptions{run_file(id), true, command_line_, version_});
    writer.add_root_attribute("sweep_fingerprint", fingerprint_);
    writer.add_root_attribute("sweep_run", std::to_string(run.id));
    writer.add_root_attribute("sweep_point", std::to_string(run.point));
    writer.add_root_attribute("sweep_replicate", std::to_string(run.replicate));
    writer.add_root_attribute("sweep_varied", varied);
    writer.add_root_attribute("sweep_process", host_and_pid());
    run_scenario(spec, writer, RunControl{stop, {}});
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    failure = e.what();
  }
  std::error_code ec;
  if (failure.empty()) {
    fs::remove(failure_file(id), ec);
    return true;
  }
  write_atomically(failure_file(id), failure);
  return false;
}

void Batch::record_failure(std::uint64_t id, const std::string& message) const {
  write_atomically(failure_file(id), message);
}

BatchOutcome Batch::execute(RunSource& source, int jobs, const std::atomic<bool>* stop) const {
  std::atomic<std::uint64_t> ran{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<bool> interrupted{false};
  const auto stopped = [stop] { return stop != nullptr && stop->load(); };
  tbb::task_arena arena(std::max(1, jobs));
  arena.execute([&] {
    tbb::task_group workers;
    for (int w = 0; w < std::max(1, jobs); ++w) {
      workers.run([&] {
        while (!stopped()) {
          const auto id = source.next();
          if (!id) break;
          bool ok = false;
          try {
            // Isolated: a worker waiting inside its run never picks up another run, so at most
            // `jobs` runs are in memory.
            ok = tbb::this_task_arena::isolate([&] { return execute_run(*id, stop); });
          } catch (const Interrupted&) {
            interrupted = true;
            break;
          }
          ran.fetch_add(1);
          if (!ok) failed.fetch_add(1);
          source.finished(!ok);
        }
      });
    }
    workers.wait();
  });
  return BatchOutcome{ran.load(), failed.load(), interrupted.load() || stopped()};
}

void Batch::write_index() const {
  h5::silence_errors();
  const fs::path target = index_file();
  const std::string temp = (fs::path(dir_) / (".sweep.h5.partial-" + std::to_string(::getpid()))).string();
  const IndexWriter w(target.string());
  const std::uint64_t n = run_count_;
  const auto steps = static_cast<hsize_t>(base_.steps);

  std::vector<std::string> metric_names = sweep_.metrics;
  std::vector<MetricSpec> all = ModuleRegistry::instance().all_metrics();
  if (metric_names.empty()) {
    for (const auto& m : all) metric_names.push_back(m.name);
  }

  bool complete = false;
  try {
    const Handle fapl = h5::file_access(temp);
    // The 1.10 file format indexes fixed-size chunked datasets with a fixed array; the older
    // default's B-trees made the memory of writing the index grow with the number of runs
    // (10 MB more for 10,000 runs than for 100; 2 MB with this format). Readable by HDF5 1.10+.
    h5::check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110), temp, "choose the file format");
    const Handle fcpl = h5::plist(H5Pcreate(H5P_FILE_CREATE), temp, "create file properties");
    h5::check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), temp,
              "track link creation order");
    Handle file_h = h5::file(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), target.string(),
                             "create the temporary index " + temp);
    const hid_t root = file_h.get();
    w.text_attr(root, "format", "partnersim-sweep");
    w.int_attr(root, "format_version", kIndexFormatVersion);
    w.text_attr(root, "partnersim_version", version_);
    w.text_attr(root, "fingerprint", fingerprint_);
    w.text_attr(root, "design", std::string(name_of(sweep_.design)));
    w.text_attr(root, "seed", std::to_string(sweep_.seed));
    w.int_attr(root, "replicates", sweep_.replicates);
    w.int_attr(root, "points", static_cast<std::int64_t>(points_.size()));
    w.int_attr(root, "runs", static_cast<std::int64_t>(n));
    w.int_attr(root, "steps", static_cast<std::int64_t>(steps));
    w.int_attr(root, "common_random_numbers", sweep_.common_random_numbers ? 1 : 0);
    std::string parameter_names;
    for (const auto& p : sweep_.parameters) parameter_names += (parameter_names.empty() ? "" : " ") + p.name;
    w.text_attr(root, "parameters", parameter_names);

    {
      const Handle g = w.group(root, "sweep");
      w.text(g.get(), "source", sweep_.text, "The sweep file, verbatim");
      const Handle s = w.group(root, "scenario");
      w.text(s.get(), "source", sweep_.scenario_text, "The base scenario file, verbatim");
    }

    // The design table (one row per run, with its status) and the key metrics ([run, step])
    // are written a block of runs at a time, so the index's memory does not grow with the
    // sweep: nothing here holds a value per run of the whole sweep.
    const Handle design_g = w.group(root, "design");
    w.text_attr(design_g.get(), "description", "One row per run: where it sits in the design, its seed and status");
    const hid_t dg = design_g.get();
    const Handle text_t = w.text_type();
    const Handle run_ds = w.rows(dg, "run", H5T_STD_I64LE, n, 0, "Run id (point * replicates + replicate)");
    const Handle point_ds = w.rows(dg, "point", H5T_STD_I64LE, n, 0, "Design point");
    const Handle replicate_ds = w.rows(dg, "replicate", H5T_STD_I64LE, n, 0, "Replicate of the point");
    const Handle seed_ds = w.rows(dg, "seed", H5T_STD_U64LE, n, 0, "Seed of the run");
    const Handle group_ds =
        w.rows(dg, "group", H5T_STD_I64LE, n, 0, "morris: trajectory; saltelli: base row; otherwise the point");
    const Handle position_ds = w.rows(dg, "position", H5T_STD_I64LE, n, 0,
                                      "morris: step in the trajectory; saltelli: 0 A, 1 B, 2+i AB_i; otherwise 0");
    const Handle factor_ds = w.rows(dg, "factor", H5T_STD_I64LE, n, 0,
                                    "morris: parameter moved to reach this point; saltelli: i of AB_i; otherwise -1");
    const Handle status_ds = w.rows(dg, "status", H5T_STD_I64LE, n, 0, "0 done, 1 failed, 2 missing");
    const Handle message_ds = w.rows(dg, "message", text_t.get(), n, 0, "Why the run failed, or empty");
    const Handle file_ds =
        w.rows(dg, "file", text_t.get(), n, 0, "Result file of the run, relative to the sweep folder, or empty");
    std::vector<Handle> value_ds;
    for (const auto& p : sweep_.parameters) {
      value_ds.push_back(w.rows(dg, p.name, H5T_IEEE_F64LE, n, 0, "Value of " + p.name + " (" + p.spec->unit + ")"));
      // The range the design spans (for normalising elementary effects).
      const bool listed = !p.values.empty();
      const double lo = listed ? *std::min_element(p.values.begin(), p.values.end()) : p.min;
      const double hi = listed ? *std::max_element(p.values.begin(), p.values.end()) : p.max;
      w.double_attr(value_ds.back().get(), "min", lo);
      w.double_attr(value_ds.back().get(), "max", hi);
      w.text_attr(value_ds.back().get(), "unit", p.spec->unit);
    }

    const Handle metrics_g = w.group(root, "metrics");
    {
      std::vector<char> months(steps * kMonthChars);
      const Clock clock = base_.clock();
      for (hsize_t s = 0; s < steps; ++s) {
        const std::string m = clock.month_of(static_cast<int>(s)).str();
        std::memcpy(&months[s * kMonthChars], m.data(), std::min(kMonthChars, m.size()));
      }
      const Handle type = h5::datatype(H5Tcopy(H5T_C_S1), temp, "create a string type");
      h5::check(H5Tset_size(type.get(), kMonthChars), temp, "size a string type");
      h5::check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), temp, "pad a string type");
      w.column(metrics_g.get(), "month", type.get(), type.get(), months.data(), steps, "Calendar month of each step");
    }
    std::vector<Handle> datasets;
    for (const auto& name : metric_names) {
      const auto it = std::find_if(all.begin(), all.end(), [&](const MetricSpec& m) { return m.name == name; });
      datasets.push_back(w.rows(metrics_g.get(), name, H5T_IEEE_F64LE, n, steps,
                                it != all.end() ? it->description + " [run, step]" : std::string()));
      if (it != all.end()) w.text_attr(datasets.back().get(), "unit", it->unit);
    }

    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::int64_t done = 0;
    std::int64_t failed = 0;
    std::vector<std::int64_t> run_id(kIndexBlockRows), point(kIndexBlockRows), replicate(kIndexBlockRows),
        group(kIndexBlockRows), position(kIndexBlockRows), factor(kIndexBlockRows), status_code(kIndexBlockRows);
    std::vector<std::uint64_t> seed(kIndexBlockRows);
    std::vector<std::string> message(kIndexBlockRows), file(kIndexBlockRows);
    std::vector<const char*> message_ptr(kIndexBlockRows), file_ptr(kIndexBlockRows);
    std::vector<double> values(kIndexBlockRows);
    std::vector<std::vector<double>> block(metric_names.size());
    for (hsize_t first = 0; first < n; first += kIndexBlockRows) {
      const hsize_t rows = std::min<hsize_t>(kIndexBlockRows, n - first);
      for (auto& b : block) b.assign(rows * steps, nan);
      for (hsize_t row = 0; row < rows; ++row) {
        const SweepRun r = run(first + row);
        const DesignPoint& p = points_[r.point];
        run_id[row] = static_cast<std::int64_t>(r.id);
        point[row] = r.point;
        replicate[row] = r.replicate;
        group[row] = p.group;
        position[row] = p.position;
        factor[row] = p.factor;
        seed[row] = r.seed;
        message[row].clear();
        file[row].clear();
        const RunStatus s = status(r.id, &message[row]);
        status_code[row] = static_cast<std::int64_t>(s);
        if (s == RunStatus::Failed) ++failed;
        if (s == RunStatus::Done) {
          ++done;
          file[row] = fs::relative(run_file(r.id), dir_).string();
          const std::string path = run_file(r.id);
          const Handle run_h = open_run_file(path);
          for (std::size_t m = 0; m < metric_names.size(); ++m) {
            read_run_metric(run_h.get(), path, metric_names[m], &block[m][row * steps], steps);
          }
        }
        message_ptr[row] = message[row].c_str();
        file_ptr[row] = file[row].c_str();
      }
      w.write_rows(run_ds.get(), H5T_NATIVE_INT64, first, rows, 0, run_id.data());
      w.write_rows(point_ds.get(), H5T_NATIVE_INT64, first, rows, 0, point.data());
      w.write_rows(replicate_ds.get(), H5T_NATIVE_INT64, first, rows, 0, replicate.data());
      w.write_rows(seed_ds.get(), H5T_NATIVE_UINT64, first, rows, 0, seed.data());
      w.write_rows(group_ds.get(), H5T_NATIVE_INT64, first, rows, 0, group.data());
      w.write_rows(position_ds.get(), H5T_NATIVE_INT64, first, rows, 0, position.data());
      w.write_rows(factor_ds.get(), H5T_NATIVE_INT64, first, rows, 0, factor.data());
      w.write_rows(status_ds.get(), H5T_NATIVE_INT64, first, rows, 0, status_code.data());
      w.write_rows(message_ds.get(), text_t.get(), first, rows, 0, message_ptr.data());
      w.write_rows(file_ds.get(), text_t.get(), first, rows, 0, file_ptr.data());
      for (std::size_t j = 0; j < sweep_.parameters.size(); ++j) {
        for (hsize_t row = 0; row < rows; ++row) values[row] = points_[run(first + row).point].values[j];
        w.write_rows(value_ds[j].get(), H5T_NATIVE_DOUBLE, first, rows, 0, values.data());
      }
      for (std::size_t m = 0; m < metric_names.size(); ++m) {
        w.write_rows(datasets[m].get(), H5T_NATIVE_DOUBLE, first, rows, steps, block[m].data());
      }
    }
    const auto missing = static_cast<std::int64_t>(n) - done - failed;
    w.int_attr(root, "runs_done", done);
    w.int_attr(root, "runs_failed", failed);
    w.int_attr(root, "runs_missing", missing);
    w.int_attr(root, "complete", missing == 0 ? 1 : 0);
    complete = missing == 0;

    for (auto& ds : datasets) h5::check(ds.close(), temp, "close a dataset");
    h5::check(H5Fflush(root, H5F_SCOPE_GLOBAL), temp, "flush");
    h5::check(file_h.close(), temp, "close");
  } catch (...) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw;
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw OutputError(target.string() + ": cannot move the index into place (" + ec.message() + ")");
  }
  if (complete) {
    // Every run is accounted for, so no process is writing one: what is left of killed
    // processes can go.
    for (const auto& entry : fs::directory_iterator(fs::path(dir_) / "runs", ec)) {
      const std::string name = entry.path().filename().string();
      if (!name.empty() && name.front() == '.' && name.find(".partial-") != std::string::npos) {
        fs::remove(entry.path(), ec);
      }
    }
  }
}

// ---- reading the index back -------------------------------------------------------------

namespace {

template <typename T>
std::vector<T> read_column(hid_t group, const std::string& path, const std::string& name, hid_t mem_type) {
  const Handle ds = h5::dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), path, "open /design/" + name);
  const Handle space = h5::dataspace(H5Dget_space(ds.get()), path, "get a dataspace");
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  std::vector<T> v(count);
  if (count > 0) h5::check(H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), path, "read", name);
  return v;
}

std::vector<std::string> read_strings(hid_t group, const std::string& path, const std::string& name) {
  const Handle ds = h5::dataset(H5Dopen2(group, name.c_str(), H5P_DEFAULT), path, "open /design/" + name);
  const Handle space = h5::dataspace(H5Dget_space(ds.get()), path, "get a dataspace");
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  const Handle type = h5::datatype(H5Tcopy(H5T_C_S1), path, "create a string type");
  h5::check(H5Tset_size(type.get(), H5T_VARIABLE), path, "make a string type");
  h5::check(H5Tset_cset(type.get(), H5T_CSET_UTF8), path, "set UTF-8");
  std::vector<char*> raw(count, nullptr);
  std::vector<std::string> out;
  if (count == 0) return out;
  h5::check(H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), path, "read", name);
  for (char* s : raw) out.emplace_back(s == nullptr ? "" : s);
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, raw.data());
  return out;
}

herr_t collect_attr(hid_t loc, const char* name, const H5A_info_t* /*info*/, void* out) {
  auto* attrs = static_cast<std::map<std::string, std::string>*>(out);
  const hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
  if (attr < 0) return 0;
  const hid_t type = H5Aget_type(attr);
  std::string value;
  if (H5Tget_class(type) == H5T_STRING) {
    const hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    char* text = nullptr;
    if (H5Aread(attr, mem, static_cast<void*>(&text)) >= 0 && text != nullptr) {
      value = text;
      H5free_memory(text);
    }
    H5Tclose(mem);
  } else {
    std::int64_t v = 0;
    if (H5Aread(attr, H5T_NATIVE_INT64, &v) >= 0) value = std::to_string(v);
  }
  H5Tclose(type);
  H5Aclose(attr);
  (*attrs)[name] = value;
  return 0;
}

}  // namespace

SweepIndex read_sweep_index(const std::string& path) {
  h5::silence_errors();
  SweepIndex index;
  const Handle file = open_run_file(path);
  H5Aiterate2(file.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, &collect_attr, &index.attributes);
  if (index.attributes["format"] != "partnersim-sweep") throw OutputError(path + ": not a partnersim sweep index");
  const Handle design = h5::group(H5Gopen2(file.get(), "design", H5P_DEFAULT), path, "open /design");
  const hid_t g = design.get();
  index.run = read_column<std::int64_t>(g, path, "run", H5T_NATIVE_INT64);
  index.point = read_column<std::int64_t>(g, path, "point", H5T_NATIVE_INT64);
  index.replicate = read_column<std::int64_t>(g, path, "replicate", H5T_NATIVE_INT64);
  index.group = read_column<std::int64_t>(g, path, "group", H5T_NATIVE_INT64);
  index.position = read_column<std::int64_t>(g, path, "position", H5T_NATIVE_INT64);
  index.factor = read_column<std::int64_t>(g, path, "factor", H5T_NATIVE_INT64);
  index.status = read_column<std::int64_t>(g, path, "status", H5T_NATIVE_INT64);
  index.seed = read_column<std::uint64_t>(g, path, "seed", H5T_NATIVE_UINT64);
  index.message = read_strings(g, path, "message");
  index.file = read_strings(g, path, "file");
  std::istringstream names(index.attributes["parameters"]);
  for (std::string name; names >> name;) index.values[name] = read_column<double>(g, path, name, H5T_NATIVE_DOUBLE);
  index.steps = static_cast<std::size_t>(std::stoll(index.attributes["steps"]));

  const Handle metrics = h5::group(H5Gopen2(file.get(), "metrics", H5P_DEFAULT), path, "open /metrics");
  H5G_info_t info{};
  h5::check(H5Gget_info(metrics.get(), &info), path, "list /metrics");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len =
        H5Lget_name_by_idx(metrics.get(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<std::size_t>(std::max<ssize_t>(len, 0)), '\0');
    H5Lget_name_by_idx(metrics.get(), ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, name.data(), name.size() + 1,
                       H5P_DEFAULT);
    if (name == "month") continue;
    index.metrics[name] = read_column<double>(metrics.get(), path, name, H5T_NATIVE_DOUBLE);
  }
  return index;
}

}  // namespace partnersim
