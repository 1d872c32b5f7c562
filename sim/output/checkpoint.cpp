#include "sim/output/checkpoint.h"

#include <hdf5.h>

#include <cerrno>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <unistd.h>

#include "sim/output/h5_handle.h"

namespace partnersim {

namespace fs = std::filesystem;

namespace {

using h5::Handle;

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string join_ints(const std::vector<int>& values) {
  std::string out;
  for (const int v : values) out += (out.empty() ? "" : ",") + std::to_string(v);
  return out;
}

using h5::text_type;

void put_text(hid_t obj, const char* name, const std::string& value, const std::string& path) {
  h5::write_text_attribute(obj, name, value, path);
}

void put_int(hid_t obj, const char* name, std::int64_t value, const std::string& path) {
  h5::write_int_attribute(obj, name, value, path);
}

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
  throw CheckpointError(path + ": not a usable checkpoint: " + what);
}

Handle open_attribute(hid_t obj, const char* name, const std::string& path) {
  if (H5Aexists(obj, name) <= 0) corrupt(path, std::string("attribute ") + name + " of /checkpoint is missing");
  return h5::attribute(H5Aopen(obj, name, H5P_DEFAULT), path, std::string("open attribute ") + name);
}

std::string get_text(hid_t obj, const char* name, const std::string& path) {
  const Handle attr = open_attribute(obj, name, path);
  const Handle type = text_type(path);
  char* data = nullptr;
  if (H5Aread(attr.get(), type.get(), static_cast<void*>(&data)) < 0) {
    corrupt(path, std::string("attribute ") + name + " is not text");
  }
  std::string out = data != nullptr ? data : "";
  H5free_memory(data);
  return out;
}

std::int64_t get_int(hid_t obj, const char* name, const std::string& path) {
  const Handle attr = open_attribute(obj, name, path);
  std::int64_t value = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_INT64, &value) < 0)
    corrupt(path, std::string("attribute ") + name + " is not an integer");
  return value;
}

std::string read_source(hid_t file, const std::string& path) {
  if (H5Lexists(file, "scenario", H5P_DEFAULT) <= 0 || H5Lexists(file, "scenario/source", H5P_DEFAULT) <= 0) {
    corrupt(path, "it holds no /scenario/source");
  }
  const Handle ds = h5::dataset(H5Dopen2(file, "scenario/source", H5P_DEFAULT), path, "open /scenario/source");
  const Handle type = text_type(path);
  char* data = nullptr;
  if (H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, static_cast<void*>(&data)) < 0) {
    corrupt(path, "/scenario/source is not text");
  }
  std::string out = data != nullptr ? data : "";
  H5free_memory(data);
  return out;
}

Handle open_checkpoint_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw CheckpointError(path + ": no such checkpoint file");
  if (H5Fis_hdf5(path.c_str()) <= 0) corrupt(path, "it is not an HDF5 file");
  const Handle fapl = h5::file_access(path);
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get());
  if (id < 0) corrupt(path, "HDF5 cannot open it (" + h5::error_detail() + ")");
  return Handle(id, &H5Fclose);
}

}  // namespace

std::string default_checkpoint_path(const std::string& output) { return output + ".checkpoint"; }

void write_checkpoint(const std::string& path, Observer& output, const CheckpointHeader& header,
                      const std::vector<std::unique_ptr<ReplicateRun>>& replicates) {
  h5::silence_errors();
  const fs::path target(path);
  fs::path folder = target.parent_path();
  if (folder.empty()) folder = ".";
  const std::string temp =
      (folder / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()))).string();
  struct RemoveUnlessKept {
    const std::string& file;
    bool keep = false;
    ~RemoveUnlessKept() {
      std::error_code ec;
      if (!keep) fs::remove(file, ec);
    }
  } cleanup{temp};
  output.copy_output(temp);
  {
    const Handle fapl = h5::file_access(path);
    Handle file = h5::file(H5Fopen(temp.c_str(), H5F_ACC_RDWR, fapl.get()), path, "open the checkpoint " + temp);
    Handle group = h5::group(H5Gcreate2(file.get(), "checkpoint", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
                             "create group /checkpoint");
    const hid_t g = group.get();
    const CheckpointSettings& s = header.settings;
    put_int(g, "format_version", kCheckpointFormatVersion, path);
    put_text(g, "partnersim_version", header.partnersim_version, path);
    put_int(g, "steps_done", header.steps_done, path);
    put_text(g, "month", header.month, path);
    put_int(g, "replicates", static_cast<std::int64_t>(replicates.size()), path);
    put_text(g, "scenario", s.scenario, path);
    put_int(g, "override_steps", s.steps.value_or(-1), path);
    put_text(g, "override_seed", s.seed ? std::to_string(*s.seed) : std::string(), path);
    put_int(g, "override_replicates", s.replicates.value_or(-1), path);
    put_text(g, "set", join_lines(s.set), path);
    put_text(g, "output", s.output, path);
    put_text(g, "after_steps", join_ints(s.after_steps), path);
    put_text(g, "parent", s.parent, path);
    put_int(g, "parent_steps", s.parent_steps, path);
    put_text(g, "fork_set", join_lines(s.fork_set), path);
    put_text(g, "description",
             "State of every replicate after steps_done steps (partnersim run --resume, partnersim fork); "
             "the rest of the file is the result written so far",
             path);
    for (std::size_t r = 0; r < replicates.size(); ++r) {
      StateWriter state;
      replicates[r]->save_state(state);
      const auto& bytes = state.bytes();
      const auto n = static_cast<hsize_t>(bytes.size());
      const Handle space = h5::dataspace(H5Screate_simple(1, &n, nullptr), path, "create a dataspace");
      const std::string name = "replicate_" + std::to_string(r);
      const Handle ds =
          h5::dataset(H5Dcreate2(g, name.c_str(), H5T_STD_U8LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      path, "create /checkpoint/" + name);
      h5::check(H5Dwrite(ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), path,
                "write /checkpoint/" + name);
    }
    group.reset();
    h5::check(file.close(), path, "close the checkpoint", temp);
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) throw OutputError(path + ": cannot move the checkpoint into place (" + ec.message() + ")");
  cleanup.keep = true;
}

CheckpointHeader read_checkpoint(const std::string& path, const std::string& partnersim_version) {
  h5::silence_errors();
  const Handle file = open_checkpoint_file(path);
  if (H5Lexists(file.get(), "checkpoint", H5P_DEFAULT) <= 0) {
    corrupt(path, "it has no /checkpoint group (a result file? checkpoints are written by run --checkpoint-every)");
  }
  const Handle group = h5::group(H5Gopen2(file.get(), "checkpoint", H5P_DEFAULT), path, "open /checkpoint");
  const hid_t g = group.get();
  const std::int64_t format = get_int(g, "format_version", path);
  if (format != kCheckpointFormatVersion) {
    corrupt(path, "checkpoint format " + std::to_string(format) + ", this build reads format " +
                      std::to_string(kCheckpointFormatVersion));
  }
  CheckpointHeader h;
  h.partnersim_version = get_text(g, "partnersim_version", path);
  if (h.partnersim_version != partnersim_version) {
    corrupt(path, "written by partnersim " + h.partnersim_version + ", this is " + partnersim_version +
                      " (state is only read by the build that wrote it)");
  }
  h.steps_done = static_cast<int>(get_int(g, "steps_done", path));
  h.month = get_text(g, "month", path);
  h.replicates = static_cast<int>(get_int(g, "replicates", path));
  CheckpointSettings& s = h.settings;
  s.scenario = get_text(g, "scenario", path);
  if (const std::int64_t v = get_int(g, "override_steps", path); v >= 0) s.steps = static_cast<int>(v);
  if (const std::string v = get_text(g, "override_seed", path); !v.empty()) s.seed = std::stoull(v);
  if (const std::int64_t v = get_int(g, "override_replicates", path); v >= 0) s.replicates = static_cast<int>(v);
  s.set = split_lines(get_text(g, "set", path));
  s.output = get_text(g, "output", path);
  for (const std::string& item : split_lines([&] {
         std::string text = get_text(g, "after_steps", path);
         for (char& c : text) c = c == ',' ? '\n' : c;
         return text;
       }())) {
    s.after_steps.push_back(std::stoi(item));
  }
  s.parent = get_text(g, "parent", path);
  s.parent_steps = static_cast<int>(get_int(g, "parent_steps", path));
  s.fork_set = split_lines(get_text(g, "fork_set", path));
  h.scenario_source = read_source(file.get(), path);
  for (int r = 0; r < h.replicates; ++r) {
    const std::string name = "replicate_" + std::to_string(r);
    if (H5Lexists(g, name.c_str(), H5P_DEFAULT) <= 0)
      corrupt(path, "the state of replicate " + std::to_string(r) + " is missing");
  }
  return h;
}

std::vector<std::byte> read_replicate_state(const std::string& path, std::uint32_t replicate) {
  h5::silence_errors();
  const Handle file = open_checkpoint_file(path);
  const std::string name = "checkpoint/replicate_" + std::to_string(replicate);
  if (H5Lexists(file.get(), "checkpoint", H5P_DEFAULT) <= 0 || H5Lexists(file.get(), name.c_str(), H5P_DEFAULT) <= 0) {
    corrupt(path, "the state of replicate " + std::to_string(replicate) + " is missing");
  }
  const Handle ds = h5::dataset(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), path, "open /" + name);
  const Handle space = h5::dataspace(H5Dget_space(ds.get()), path, "get the dataspace of /" + name);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) corrupt(path, "/" + name + " has no size");
  std::vector<std::byte> bytes(static_cast<std::size_t>(n));
  if (n > 0 && H5Dread(ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()) < 0) {
    corrupt(path, "cannot read /" + name + " (" + h5::error_detail() + ")");
  }
  return bytes;
}

}  // namespace partnersim
