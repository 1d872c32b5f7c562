#include "sim/output/hdf5_writer.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>
#include <unistd.h>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/output/h5_handle.h"
#include "sim/output/step_block.h"
#include "sim/output/string_dictionary.h"

namespace partnersim {

namespace fs = std::filesystem;

namespace {

using h5::Handle;

constexpr std::size_t kMonthChars = 7;  // "YYYY-MM", stored without a terminator
// Compression per dataset. The per-step arrays and tables are written every month and
// dominate the writer's CPU, so they get deflate level 1 (measured on a national run: 30-50%
// less zlib time than level 4 for 2-12% more bytes); the metrics are small and keep level 4.
// Cash is stored uncompressed: its doubles (grosze / 100) shrink only 1.6x under deflate,
// which cost about half of the writer's CPU on a national run (with 2 cores that CPU is
// taken from the model) for 58 MB of its 227 MB; byte shuffling makes it worse still.
struct Compression {
  bool deflate = false;
  bool shuffle = false;
  unsigned level = 0;
};
constexpr Compression kUncompressed{};
constexpr Compression kMetricCompression{true, true, 4};
constexpr Compression kStepCompression{true, true, 1};
constexpr Compression kCashCompression = kUncompressed;
constexpr hsize_t kMetricChunkSteps = 256;
constexpr hsize_t kOrgChunkElements = 16384;  // per chunk of the [replicate, month, organisation] arrays
constexpr hsize_t kTableChunkRows = 4096;
constexpr std::size_t kEventBufferRows = 8192;
constexpr hsize_t kDictionaryChunkRows = 256;
constexpr std::uint32_t kMaxEventKinds = std::numeric_limits<std::uint16_t>::max() + 1U;  // codes are uint16
constexpr auto kFlushInterval = std::chrono::seconds(30);

constexpr std::int32_t kIntFill = -1;  // int32 cells never written (only in an unfinished file)
constexpr std::uint8_t kAliveFill = 255;

// Rows of the compound tables as laid out in memory; strings are UTF-8.
struct OrgRow {
  const char* id;
  const char* name;
  const char* kind;
  const char* sector;
  const char* municipality;
  char founded[kMonthChars];
};

struct TieRowH5 {
  std::uint32_t replicate;
  std::int32_t step;
  char month[kMonthChars];
  std::uint32_t source;
  std::uint32_t target;
  std::uint8_t kind;  // TieKind, an HDF5 enumeration in the file
  float strength;
  char start[kMonthChars];
};

struct EventRowH5 {
  std::uint32_t replicate;
  std::int32_t step;
  char month[kMonthChars];
  std::uint16_t kind;  // code into /events/kinds
  std::int64_t source;
  std::int64_t target;
  double amount_pln;
  std::uint32_t note;  // code into /events/notes
};

struct FlowRowH5 {
  std::uint32_t replicate;
  std::int32_t step;
  char month[kMonthChars];
  const char* source;
  const char* sink;
  const char* channel;
  double amount_pln;
};

// A ledger flow kept until the next batch is written: its class names are copied, since the
// record's views die with the step.
struct PendingFlow {
  std::uint32_t replicate;
  int step;
  std::string source;
  std::string sink;
  Channel channel;
  double amount_pln;
};

// An event kept until the next batch is written, its texts already dictionary codes.
struct PendingEvent {
  std::uint32_t replicate;
  int step;
  std::uint16_t kind;
  std::int64_t source;
  std::int64_t target;
  double amount_pln;
  std::uint32_t note;
};

std::int64_t org_or_none(std::uint32_t index) {
  return index == kNoOrganisation ? std::int64_t{-1} : static_cast<std::int64_t>(index);
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

// HDF5 1.10 can leave a file whose flush or close failed (typically on a full disk) in a state
// where closing it again crashes; its exit handler would do exactly that. Turning the handler
// off (possible only before the library starts, hence a static initialiser) means such a file
// is simply abandoned at exit. Every file partnersim opens is closed explicitly anyway.
[[maybe_unused]] const bool kNoHdf5ExitHandler = [] {
  H5dont_atexit();
  return true;
}();

bool deflate_available() {
  static const bool available = H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0;
  return available;
}

}  // namespace

struct Hdf5Writer::Impl {
  std::string path;  // the final file, named in every message
  std::string temp;
  bool created = false;    // the temporary file may exist and is ours to remove
  bool keep_temp = false;  // a finished result that could not be moved into place
  bool broken = false;     // a call into HDF5 failed (e.g. the disk is full)

  const ScenarioSpec* spec = nullptr;
  Clock clock{YearMonth{}, 0};
  hsize_t replicates = 0;
  hsize_t steps = 0;  // current extent of the month dimension
  hsize_t orgs = 0;

  Handle month_type;  // fixed 7-byte UTF-8 string
  Handle text_type;   // variable-length UTF-8 string

  // The file is declared before every object in it, so it is closed last.
  Handle file;
  std::vector<Handle> month_scales;  // /metrics/month, /organisations/month
  std::vector<Handle> metrics;
  std::vector<std::string> metric_names;  // "/metrics/<name>", for messages
  Handle cash, employees, degree, alive;
  std::vector<Handle*> org_arrays;  // the four above, in that order
  Handle ties, tie_mem;
  hsize_t tie_rows = 0;
  Handle events, event_mem;
  hsize_t event_rows = 0;
  // The dictionaries of the event log's kind and note columns and their datasets: a dataset
  // always holds at least the strings of the codes in the rows written so far.
  h5::StringDictionary event_kinds, event_notes;
  Handle event_kind_strings, event_note_strings;
  hsize_t event_kind_rows = 0, event_note_rows = 0;
  Handle tie_kind_type;  // enumeration of the TieKind names
  std::vector<PendingEvent> pending;
  Handle flows, flow_mem;
  hsize_t flow_rows = 0;
  std::vector<PendingFlow> pending_flows;
  // Per replicate: the metrics and organisation arrays of steps not yet written, handed to
  // HDF5 a chunk of steps at a time.
  struct PendingSteps {
    h5::StepBlock<double> metrics;  // [step][metric]
    h5::StepBlock<double> cash;
    h5::StepBlock<std::int32_t> employees;
    h5::StepBlock<std::int32_t> degree;
    h5::StepBlock<std::uint8_t> alive;
  };
  std::vector<PendingSteps> pending_steps;
  hsize_t planned_steps = 0;       // the scenario's steps: a block ends at the last one
  hsize_t metric_chunk_steps = 1;  // steps per chunk of /metrics/<name>
  hsize_t org_chunk_steps = 1;     // steps per chunk of the /organisations arrays
  std::array<std::string, kTieKindCount> tie_kind_names;
  std::array<std::string, kChannelCount> channel_names;
  std::chrono::steady_clock::time_point last_flush;
  mutable std::unordered_map<int, std::array<char, kMonthChars>> month_texts;  // see month_into

  // ---- small helpers -------------------------------------------------------------------

  [[nodiscard]] std::string month(int step) const {
    std::string text = clock.month_of(step).str();
    if (text.size() != kMonthChars) {
      throw OutputError(path + ": month " + text + " of step " + std::to_string(step) + " is not YYYY-MM");
    }
    return text;
  }
  // Rows repeat a few months many times (every row of a step, every tie started the same
  // month), so each month's text is made once, keyed by calendar month.
  void month_into(char (&out)[kMonthChars], int step) const {
    const int calendar_month = clock.start().index() + step;
    auto it = month_texts.find(calendar_month);
    if (it == month_texts.end()) {
      const std::string text = month(step);
      std::array<char, kMonthChars> chars{};
      std::memcpy(chars.data(), text.data(), kMonthChars);
      it = month_texts.emplace(calendar_month, chars).first;
    }
    std::memcpy(out, it->second.data(), kMonthChars);
  }

  Handle make_month_type() const {
    Handle t = h5::datatype(H5Tcopy(H5T_C_S1), path, "create a string type");
    h5::check(H5Tset_size(t.get(), kMonthChars), path, "size a string type");
    h5::check(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), path, "pad a string type");
    h5::check(H5Tset_cset(t.get(), H5T_CSET_UTF8), path, "set a string type to UTF-8");
    return t;
  }
  Handle make_text_type() const {
    Handle t = h5::datatype(H5Tcopy(H5T_C_S1), path, "create a string type");
    h5::check(H5Tset_size(t.get(), H5T_VARIABLE), path, "make a variable-length string type");
    h5::check(H5Tset_cset(t.get(), H5T_CSET_UTF8), path, "set a string type to UTF-8");
    return t;
  }

  Handle scalar_space() const { return h5::dataspace(H5Screate(H5S_SCALAR), path, "create a dataspace"); }

  Handle simple_space(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& maxdims) const {
    return h5::dataspace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()), path,
                         "create a dataspace");
  }

  Handle attribute_for_write(hid_t obj, const char* name, hid_t file_type) const {
    const htri_t exists = H5Aexists(obj, name);
    h5::check(exists < 0 ? -1 : 0, path, "look up attribute", name);
    if (exists > 0) return h5::attribute(H5Aopen(obj, name, H5P_DEFAULT), path, std::string("open attribute ") + name);
    const Handle space = scalar_space();
    return h5::attribute(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), path,
                         std::string("create attribute ") + name);
  }
  void set_text_attr(hid_t obj, const char* name, const std::string& value) const {
    const Handle attr = attribute_for_write(obj, name, text_type.get());
    const char* data = value.c_str();
    h5::check(H5Awrite(attr.get(), text_type.get(), static_cast<const void*>(&data)), path, "write attribute", name);
  }
  void set_int_attr(hid_t obj, const char* name, std::int64_t value) const {
    const Handle attr = attribute_for_write(obj, name, H5T_STD_I64LE);
    h5::check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), path, "write attribute", name);
  }
  void set_uint_attr(hid_t obj, const char* name, std::uint64_t value) const {
    const Handle attr = attribute_for_write(obj, name, H5T_STD_U64LE);
    h5::check(H5Awrite(attr.get(), H5T_NATIVE_UINT64, &value), path, "write attribute", name);
  }

  Handle create_group(hid_t parent, const char* name) const {
    const Handle gcpl = h5::plist(H5Pcreate(H5P_GROUP_CREATE), path, "create group properties");
    h5::check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), path,
              "track link creation order");
    return h5::group(H5Gcreate2(parent, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), path,
                     std::string("create group /") + name);
  }

  struct DatasetShape {
    std::vector<hsize_t> dims;
    std::vector<hsize_t> maxdims;
    std::vector<hsize_t> chunk;  // empty: contiguous
  };

  // `fill` (of type fill_type) is what unwritten cells read as; nullptr for the default.
  Handle create_dataset(hid_t loc, const std::string& name, const std::string& full_name, hid_t type,
                        const DatasetShape& shape, hid_t fill_type, const void* fill, Compression compression,
                        hid_t dapl = H5P_DEFAULT) const {
    const Handle space = simple_space(shape.dims, shape.maxdims);
    const Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), path, "create dataset properties");
    if (!shape.chunk.empty()) {
      h5::check(H5Pset_chunk(dcpl.get(), static_cast<int>(shape.chunk.size()), shape.chunk.data()), path,
                "set the chunks of", full_name);
      if (compression.deflate && deflate_available()) {
        if (compression.shuffle) h5::check(H5Pset_shuffle(dcpl.get()), path, "set the shuffle filter of", full_name);
        h5::check(H5Pset_deflate(dcpl.get(), compression.level), path, "set compression of", full_name);
      }
    }
    if (fill != nullptr) {
      h5::check(H5Pset_fill_value(dcpl.get(), fill_type, fill), path, "set the fill value of", full_name);
    }
    return h5::dataset(H5Dcreate2(loc, name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), dapl), path,
                       "create dataset " + full_name);
  }

  // Chunk cache big enough that every replicate's chunks currently being filled stay in
  // memory. The hash table has about 10 slots per such chunk: HDF5 allocates and clears it
  // for every open dataset, so a fixed 100,003 slots cost 0.8 MB for each of the ~100
  // metric datasets at start-up.
  Handle chunk_cache(hsize_t chunk_bytes, hsize_t chunks_per_step = 1) const {
    Handle dapl = h5::plist(H5Pcreate(H5P_DATASET_ACCESS), path, "create dataset access properties");
    const hsize_t live = 2 * std::max<hsize_t>(replicates, 1) * chunks_per_step;
    const hsize_t wanted = std::max<hsize_t>(hsize_t{1} << 20U, live * chunk_bytes);
    const std::size_t bytes = static_cast<std::size_t>(std::min<hsize_t>(wanted, hsize_t{512} << 20U));
    std::size_t slots = 100003;
    for (const std::size_t prime : {521U, 1031U, 4099U, 16411U, 65537U}) {
      if (prime >= 10 * live) {
        slots = prime;
        break;
      }
    }
    h5::check(H5Pset_chunk_cache(dapl.get(), slots, bytes, 0.75), path, "set the chunk cache");
    return dapl;
  }

  void write_cells(hid_t ds, hid_t mem_type, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                   const void* data, const std::string& name) const {
    hsize_t n = 1;
    for (const hsize_t c : count) n *= c;
    if (n == 0) return;
    const Handle fspace = h5::dataspace(H5Dget_space(ds), path, "get the dataspace of " + name);
    h5::check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), path,
              "select cells of", name);
    const Handle mspace = h5::dataspace(H5Screate_simple(1, &n, nullptr), path, "create a dataspace");
    const Handle dxpl = transfer(n, mem_type);
    h5::check(H5Dwrite(ds, mem_type, mspace.get(), fspace.get(), dxpl.get(), data), path, "write", name);
  }

  // Transfer properties with a type-conversion buffer sized to a write of `n` values: for every
  // write that converts (compound rows, strings) HDF5 allocates and clears a buffer of the
  // default size, 1 MB, which cost more than the write itself.
  Handle transfer(hsize_t n, hid_t mem_type) const {
    Handle dxpl = h5::plist(H5Pcreate(H5P_DATASET_XFER), path, "create transfer properties");
    constexpr hsize_t kMinBytes = 4096;  // more than any row, as HDF5 requires one at least
    constexpr hsize_t kMaxBytes = hsize_t{1} << 20U;
    const hsize_t bytes = std::clamp<hsize_t>(4 * n * H5Tget_size(mem_type), kMinBytes, kMaxBytes);
    h5::check(H5Pset_buffer(dxpl.get(), static_cast<std::size_t>(bytes), nullptr, nullptr), path,
              "set the transfer buffer");
    return dxpl;
  }

  void append_rows(hid_t ds, hid_t mem_type, hsize_t& rows, hsize_t n, const void* data,
                   const std::string& name) const {
    if (n == 0) return;
    const hsize_t new_rows = rows + n;
    h5::check(H5Dset_extent(ds, &new_rows), path, "extend", name);
    const Handle fspace = h5::dataspace(H5Dget_space(ds), path, "get the dataspace of " + name);
    h5::check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &rows, nullptr, &n, nullptr), path, "select rows of",
              name);
    const Handle mspace = h5::dataspace(H5Screate_simple(1, &n, nullptr), path, "create a dataspace");
    const Handle dxpl = transfer(n, mem_type);
    h5::check(H5Dwrite(ds, mem_type, mspace.get(), fspace.get(), dxpl.get(), data), path, "append to", name);
    rows = new_rows;
  }

  // ---- layout --------------------------------------------------------------------------

  Handle create_month_scale(hid_t group, const std::string& group_name) {
    const std::string full = group_name + "/month";
    DatasetShape shape{{steps}, {H5S_UNLIMITED}, {std::clamp<hsize_t>(steps, 1, 1024)}};
    Handle ds = create_dataset(group, "month", full, month_type.get(), shape, H5I_INVALID_HID, nullptr, kUncompressed);
    std::vector<char> labels(static_cast<std::size_t>(steps) * kMonthChars);
    for (hsize_t s = 0; s < steps; ++s) {
      const std::string text = month(static_cast<int>(s));
      std::memcpy(labels.data() + s * kMonthChars, text.data(), kMonthChars);
    }
    write_cells(ds.get(), month_type.get(), {0}, {steps}, labels.data(), full);
    h5::check(H5DSset_scale(ds.get(), "month"), path, "make a dimension scale of", full);
    set_text_attr(ds.get(), "_Encoding", "utf-8");  // lets xarray decode the labels to str
    set_text_attr(ds.get(), "description", "Calendar month of each step (YYYY-MM)");
    return ds;
  }

  Handle create_index_scale(hid_t group, const std::string& group_name, const char* name, hsize_t n,
                            const char* description) const {
    const std::string full = group_name + "/" + name;
    Handle ds = create_dataset(group, name, full, H5T_STD_I32LE, DatasetShape{{n}, {n}, {}}, H5I_INVALID_HID, nullptr,
                               kUncompressed);
    std::vector<std::int32_t> values(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::int32_t>(i);
    write_cells(ds.get(), H5T_NATIVE_INT32, {0}, {n}, values.data(), full);
    h5::check(H5DSset_scale(ds.get(), name), path, "make a dimension scale of", full);
    set_text_attr(ds.get(), "description", description);
    return ds;
  }

  void attach(hid_t ds, hid_t scale, unsigned dim, const std::string& name) const {
    h5::check(H5DSattach_scale(ds, scale, dim), path, "attach a dimension scale to", name);
  }

  void write_root_attributes(const WriterOptions& options,
                             const std::vector<std::pair<std::string, std::string>>& extra) const {
    const hid_t root = file.get();
    set_int_attr(root, "format_version", kOutputFormatVersion);
    set_text_attr(root, "partnersim_version", options.partnersim_version);
    set_text_attr(root, "scenario_name", spec->metadata.name);
    set_text_attr(root, "scenario_description", spec->metadata.description);
    set_uint_attr(root, "seed", spec->seed);
    set_int_attr(root, "steps", spec->steps);
    set_text_attr(root, "start_month", spec->start.str());
    set_int_attr(root, "replicates", spec->replicates);
    set_int_attr(root, "organisations", static_cast<std::int64_t>(orgs));
    set_text_attr(root, "creation_time", utc_now_iso8601());
    set_text_attr(root, "command_line", options.command_line);
    set_int_attr(root, "complete", 0);
    for (const auto& [name, value] : extra) set_text_attr(root, name.c_str(), value);
  }

  // The resolved value of every module parameter (defaults, scenario, --set), so that a result
  // says what made it even when the parameters came from the command line or a sweep.
  void write_parameters() const {
    const Handle group = create_group(file.get(), "parameters");
    set_text_attr(group.get(), "description", "Every module parameter as used by the run (attributes module.param)");
    for (const auto& [name, value] : spec->params.values()) {
      const Handle space = scalar_space();
      const Handle attr =
          h5::attribute(H5Acreate2(group.get(), name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                        path, "create attribute /parameters " + name);
      h5::check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), path, "write attribute /parameters", name);
    }
  }

  void write_scenario() const {
    const Handle group = create_group(file.get(), "scenario");
    const Handle space = scalar_space();
    const Handle ds = h5::dataset(
        H5Dcreate2(group.get(), "source", text_type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
        "create dataset /scenario/source");
    const char* text = spec->source_text.c_str();
    const Handle dxpl = transfer(1, text_type.get());
    h5::check(H5Dwrite(ds.get(), text_type.get(), H5S_ALL, H5S_ALL, dxpl.get(), static_cast<const void*>(&text)), path,
              "write /scenario/source");
    set_text_attr(ds.get(), "path", spec->source_path);
    set_text_attr(ds.get(), "description", "The scenario file, verbatim");
  }

  void create_metrics(const RunDescription& run) {
    const Handle group = create_group(file.get(), "metrics");
    month_scales.push_back(create_month_scale(group.get(), "/metrics"));
    const Handle replicate =
        create_index_scale(group.get(), "/metrics", "replicate", replicates, "Replicate number (0-based)");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const hsize_t chunk_steps = std::clamp<hsize_t>(steps, 1, kMetricChunkSteps);
    metric_chunk_steps = chunk_steps;
    const Handle dapl = chunk_cache(chunk_steps * sizeof(double));
    for (const MetricSpec& m : run.metrics) {
      if (m.name.empty() || m.name == "month" || m.name == "replicate" || m.name.find('/') != std::string::npos ||
          m.name == ".") {
        throw OutputError(path + ": metric name '" + m.name + "' cannot be used as a dataset name");
      }
      const std::string full = "/metrics/" + m.name;
      DatasetShape shape{{replicates, steps}, {replicates, H5S_UNLIMITED}, {1, chunk_steps}};
      if (replicates == 0) shape.maxdims[0] = H5S_UNLIMITED;
      Handle ds = create_dataset(group.get(), m.name, full, H5T_IEEE_F64LE, shape, H5T_NATIVE_DOUBLE, &nan,
                                 kMetricCompression, dapl.get());
      attach(ds.get(), replicate.get(), 0, full);
      attach(ds.get(), month_scales.back().get(), 1, full);
      set_text_attr(ds.get(), "unit", m.unit);
      set_text_attr(ds.get(), "description", m.description);
      metrics.push_back(std::move(ds));
      metric_names.push_back(full);
    }
  }

  void create_organisations() {
    const Handle group = create_group(file.get(), "organisations");
    // h5netcdf only resolves dimension scales of the group itself or its parents, so the
    // month and replicate scales are repeated here.
    month_scales.push_back(create_month_scale(group.get(), "/organisations"));
    const hid_t month_scale = month_scales.back().get();
    const Handle replicate =
        create_index_scale(group.get(), "/organisations", "replicate", replicates, "Replicate number (0-based)");
    const Handle organisation = create_index_scale(group.get(), "/organisations", "organisation", orgs,
                                                   "Organisation index: row of /organisations/table");
    write_org_table(group.get(), organisation.get());

    const hsize_t org_chunk = std::clamp<hsize_t>(orgs, 1, kOrgChunkElements);
    const hsize_t step_chunk = std::clamp<hsize_t>(kOrgChunkElements / org_chunk, 1, std::max<hsize_t>(steps, 1));
    org_chunk_steps = step_chunk;
    DatasetShape shape{{replicates, steps, orgs}, {replicates, H5S_UNLIMITED, orgs}, {1, step_chunk, org_chunk}};
    if (replicates == 0) shape.maxdims[0] = H5S_UNLIMITED;
    if (orgs == 0) shape.maxdims[2] = H5S_UNLIMITED;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::int32_t int_fill = kIntFill;
    const std::uint8_t alive_fill = kAliveFill;

    struct Spec {
      Handle* target;
      const char* name;
      hid_t file_type;
      hid_t mem_type;
      const void* fill;
      std::size_t bytes;
      const char* unit;
      const char* description;
    };
    const std::array<Spec, 4> specs = {{
        {&cash, "cash", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &nan, sizeof(double), "PLN",
         "Cash held at the end of the month"},
        {&employees, "employees", H5T_STD_I32LE, H5T_NATIVE_INT32, &int_fill, sizeof(std::int32_t), "persons",
         "Employees at the end of the month (-1: never written)"},
        {&degree, "degree", H5T_STD_I32LE, H5T_NATIVE_INT32, &int_fill, sizeof(std::int32_t), "ties",
         "Active ties touching the organisation, in and out (-1: never written)"},
        {&alive, "alive", H5T_STD_U8LE, H5T_NATIVE_UINT8, &alive_fill, sizeof(std::uint8_t), "1",
         "1 if the organisation exists this month, else 0 (255: never written)"},
    }};
    for (const Spec& s : specs) {
      const std::string full = std::string("/organisations/") + s.name;
      const Handle dapl = chunk_cache(step_chunk * org_chunk * s.bytes, (orgs + org_chunk - 1) / org_chunk);
      const Compression compression = s.target == &cash ? kCashCompression : kStepCompression;
      *s.target =
          create_dataset(group.get(), s.name, full, s.file_type, shape, s.mem_type, s.fill, compression, dapl.get());
      attach(s.target->get(), replicate.get(), 0, full);
      attach(s.target->get(), month_scale, 1, full);
      attach(s.target->get(), organisation.get(), 2, full);
      set_text_attr(s.target->get(), "unit", s.unit);
      set_text_attr(s.target->get(), "description", s.description);
      org_arrays.push_back(s.target);
    }
  }

  void write_org_table(hid_t group, hid_t organisation_scale) const {
    const std::string full = "/organisations/table";
    const Handle mem = h5::datatype(H5Tcreate(H5T_COMPOUND, sizeof(OrgRow)), path, "create a compound type");
    const hid_t t = text_type.get();
    add_field(mem.get(), "id", offsetof(OrgRow, id), t, full);
    add_field(mem.get(), "name", offsetof(OrgRow, name), t, full);
    add_field(mem.get(), "kind", offsetof(OrgRow, kind), t, full);
    add_field(mem.get(), "sector", offsetof(OrgRow, sector), t, full);
    add_field(mem.get(), "municipality", offsetof(OrgRow, municipality), t, full);
    add_field(mem.get(), "founded", offsetof(OrgRow, founded), month_type.get(), full);
    const Handle file_type = packed_copy(mem.get(), full);

    const std::string none;
    std::vector<std::string> kinds;
    kinds.reserve(spec->organisations.size());
    for (const OrganisationSpec& o : spec->organisations) kinds.emplace_back(name_of(o.kind));
    std::vector<OrgRow> rows(spec->organisations.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const OrganisationSpec& o = spec->organisations[i];
      rows[i].id = o.id.c_str();
      rows[i].name = o.name.c_str();
      rows[i].kind = kinds[i].c_str();
      rows[i].sector = o.sector < spec->sectors.size() ? spec->sectors[o.sector].c_str() : none.c_str();
      rows[i].municipality =
          o.municipality < spec->municipalities.size() ? spec->municipalities[o.municipality].c_str() : none.c_str();
      // Founded during the run (latent slot, found_organisation event): no month yet, "".
      if (o.founded_step == kNotFounded) {
        std::memset(rows[i].founded, 0, kMonthChars);
      } else {
        month_into(rows[i].founded, o.founded_step);
      }
    }
    const Handle ds = create_dataset(group, "table", full, file_type.get(), DatasetShape{{orgs}, {orgs}, {}},
                                     H5I_INVALID_HID, nullptr, kUncompressed);
    write_cells(ds.get(), mem.get(), {0}, {orgs}, rows.data(), full);
    attach(ds.get(), organisation_scale, 0, full);
    set_text_attr(ds.get(), "description",
                  "One row per organisation of the scenario; row i is organisation index i. "
                  "founded is the month (YYYY-MM) the organisation was founded, empty for one that a module "
                  "or an event founds during the run (see the organisation_founded events)");
  }

  // One field of a compound row type; `table` names the dataset in error messages.
  void add_field(hid_t type, const char* field, std::size_t offset, hid_t field_type, const std::string& table) const {
    h5::check(H5Tinsert(type, field, offset, field_type), path, "build the type of", table);
  }

  Handle packed_copy(hid_t mem_type, const std::string& name) const {
    Handle file_type = h5::datatype(H5Tcopy(mem_type), path, "copy the type of " + name);
    h5::check(H5Tpack(file_type.get()), path, "pack the type of", name);
    return file_type;
  }

  Handle create_table(hid_t group, const char* name, const std::string& full, hid_t file_type) const {
    return create_dataset(group, name, full, file_type, DatasetShape{{0}, {H5S_UNLIMITED}, {kTableChunkRows}},
                          H5I_INVALID_HID, nullptr, kStepCompression);
  }

  void create_ties() {
    const std::string full = "/ties/snapshots";
    make_tie_type();
    const hid_t m = tie_mem.get();
    const Handle file_type = packed_copy(m, full);
    const Handle group = create_group(file.get(), "ties");
    ties = create_table(group.get(), "snapshots", full, file_type.get());
    set_int_attr(ties.get(), "every", spec->output.tie_snapshot_every);
    set_text_attr(ties.get(), "description",
                  "Ties in force at snapshot steps (every `every` steps and the last step), one row per tie and "
                  "replicate; source and target are organisation indices, start is the month the tie began");
  }

  // The TieKind names as an HDF5 enumeration over uint8, in enum order, so that h5dump and
  // h5py show names while a row stores one byte.
  void make_tie_kind_type() {
    tie_kind_type = h5::datatype(H5Tenum_create(H5T_NATIVE_UINT8), path, "create an enumeration type");
    for (std::size_t k = 0; k < kTieKindCount; ++k) {
      const auto value = static_cast<std::uint8_t>(k);
      h5::check(H5Tenum_insert(tie_kind_type.get(), tie_kind_names[k].c_str(), &value), path,
                "add a tie kind to the type of", "/ties/snapshots");
    }
  }

  void make_tie_type() {
    const std::string full = "/ties/snapshots";
    make_tie_kind_type();
    tie_mem = h5::datatype(H5Tcreate(H5T_COMPOUND, sizeof(TieRowH5)), path, "create a compound type");
    const hid_t m = tie_mem.get();
    add_field(m, "replicate", offsetof(TieRowH5, replicate), H5T_NATIVE_UINT32, full);
    add_field(m, "step", offsetof(TieRowH5, step), H5T_NATIVE_INT32, full);
    add_field(m, "month", offsetof(TieRowH5, month), month_type.get(), full);
    add_field(m, "source", offsetof(TieRowH5, source), H5T_NATIVE_UINT32, full);
    add_field(m, "target", offsetof(TieRowH5, target), H5T_NATIVE_UINT32, full);
    add_field(m, "kind", offsetof(TieRowH5, kind), tie_kind_type.get(), full);
    add_field(m, "strength", offsetof(TieRowH5, strength), H5T_NATIVE_FLOAT, full);
    add_field(m, "start", offsetof(TieRowH5, start), month_type.get(), full);
  }

  void create_events() {
    const std::string full = "/events/log";
    make_event_type();
    const Handle file_type = packed_copy(event_mem.get(), full);
    const Handle group = create_group(file.get(), "events");
    events = create_table(group.get(), "log", full, file_type.get());
    set_text_attr(events.get(), "description",
                  "Events logged by the model, in the order they were written; source and target are "
                  "organisation indices or -1 for none; kind and note are codes: rows of /events/kinds and "
                  "/events/notes");
    // The dictionaries: created before any row refers to them, extended before such rows.
    const DatasetShape shape{{0}, {H5S_UNLIMITED}, {kDictionaryChunkRows}};
    event_kind_strings = create_dataset(group.get(), "kinds", "/events/kinds", text_type.get(), shape, H5I_INVALID_HID,
                                        nullptr, kUncompressed);
    set_text_attr(event_kind_strings.get(), "description",
                  "Event kinds: /events/log kind k is row k, in order of first appearance");
    event_note_strings = create_dataset(group.get(), "notes", "/events/notes", text_type.get(), shape, H5I_INVALID_HID,
                                        nullptr, kUncompressed);
    set_text_attr(event_note_strings.get(), "description",
                  "Event notes: /events/log note k is row k, in order of first appearance; row 0 is the empty note");
    static_cast<void>(event_notes.code(""));  // code 0
  }

  // Appends the strings given codes since the last call to the dictionary's dataset.
  void write_dictionary(h5::StringDictionary& dictionary, Handle& ds, hsize_t& rows, const std::string& name) {
    const auto fresh = dictionary.unwritten();
    if (fresh.empty()) return;
    std::vector<const char*> texts;
    texts.reserve(fresh.size());
    for (const std::string& s : fresh) texts.push_back(s.c_str());
    append_rows(ds.get(), text_type.get(), rows, texts.size(), texts.data(), name);
    dictionary.mark_written();
  }

  // Reads a dictionary dataset of a file being continued into `dictionary`.
  void read_dictionary(h5::StringDictionary& dictionary, const Handle& ds, hsize_t rows, const std::string& name) {
    std::vector<char*> raw(static_cast<std::size_t>(rows), nullptr);
    if (rows > 0) {
      h5::check(H5Dread(ds.get(), text_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), path, "read", name);
    }
    std::vector<std::string> strings;
    strings.reserve(raw.size());
    for (char* s : raw) {
      strings.emplace_back(s != nullptr ? s : "");
      H5free_memory(s);
    }
    if (!dictionary.load(strings)) throw OutputError(path + ": " + name + " in the checkpoint repeats a string");
  }

  void make_event_type() {
    const std::string full = "/events/log";
    event_mem = h5::datatype(H5Tcreate(H5T_COMPOUND, sizeof(EventRowH5)), path, "create a compound type");
    const hid_t m = event_mem.get();
    add_field(m, "replicate", offsetof(EventRowH5, replicate), H5T_NATIVE_UINT32, full);
    add_field(m, "step", offsetof(EventRowH5, step), H5T_NATIVE_INT32, full);
    add_field(m, "month", offsetof(EventRowH5, month), month_type.get(), full);
    add_field(m, "kind", offsetof(EventRowH5, kind), H5T_NATIVE_UINT16, full);
    add_field(m, "source", offsetof(EventRowH5, source), H5T_NATIVE_INT64, full);
    add_field(m, "target", offsetof(EventRowH5, target), H5T_NATIVE_INT64, full);
    add_field(m, "amount_pln", offsetof(EventRowH5, amount_pln), H5T_NATIVE_DOUBLE, full);
    add_field(m, "note", offsetof(EventRowH5, note), H5T_NATIVE_UINT32, full);
  }

  void create_ledger() {
    const std::string full = "/ledger/flows";
    make_flow_type();
    const Handle file_type = packed_copy(flow_mem.get(), full);
    const Handle group = create_group(file.get(), "ledger");
    flows = create_table(group.get(), "flows", full, file_type.get());
    set_text_attr(flows.get(), "unit", "PLN");
    set_text_attr(flows.get(), "description",
                  "Money moved each month, summed by source class, sink class and channel: a class is an "
                  "organisation kind (e.g. social_cooperative) or an outside account (e.g. ESF, households); "
                  "channel is the purpose (grant, sales, wages, ...). Opening balances are not flows");
  }

  void make_flow_type() {
    const std::string full = "/ledger/flows";
    flow_mem = h5::datatype(H5Tcreate(H5T_COMPOUND, sizeof(FlowRowH5)), path, "create a compound type");
    const hid_t m = flow_mem.get();
    add_field(m, "replicate", offsetof(FlowRowH5, replicate), H5T_NATIVE_UINT32, full);
    add_field(m, "step", offsetof(FlowRowH5, step), H5T_NATIVE_INT32, full);
    add_field(m, "month", offsetof(FlowRowH5, month), month_type.get(), full);
    add_field(m, "source", offsetof(FlowRowH5, source), text_type.get(), full);
    add_field(m, "sink", offsetof(FlowRowH5, sink), text_type.get(), full);
    add_field(m, "channel", offsetof(FlowRowH5, channel), text_type.get(), full);
    add_field(m, "amount_pln", offsetof(FlowRowH5, amount_pln), H5T_NATIVE_DOUBLE, full);
  }

  // ---- continuing a checkpoint's output ------------------------------------------------

  Handle open_dataset(const std::string& full, hid_t dapl = H5P_DEFAULT) const {
    if (H5Lexists(file.get(), full.c_str(), H5P_DEFAULT) <= 0) {
      throw OutputError(path + ": the checkpoint's output has no " + full + " (written by another version?)");
    }
    return h5::dataset(H5Dopen2(file.get(), full.c_str(), dapl), path, "open " + full);
  }

  hsize_t rows_of(hid_t ds, const std::string& full) const {
    const Handle space = h5::dataspace(H5Dget_space(ds), path, "get the dataspace of " + full);
    hsize_t n = 0;
    h5::check(H5Sget_simple_extent_dims(space.get(), &n, nullptr), path, "read the size of", full);
    return n;
  }

  // Opens everything on_step writes to, in the file copied from a checkpoint; the file's
  // shape must be the run's (same metrics, replicates, months and organisations).
  void reopen(const RunDescription& run) {
    if (H5Lexists(file.get(), "checkpoint", H5P_DEFAULT) > 0) {
      h5::check(H5Ldelete(file.get(), "checkpoint", H5P_DEFAULT), path, "remove /checkpoint from", temp);
    }
    month_scales.push_back(open_dataset("/metrics/month"));
    month_scales.push_back(open_dataset("/organisations/month"));
    const hsize_t chunk_steps = std::clamp<hsize_t>(steps, 1, kMetricChunkSteps);
    const Handle dapl = chunk_cache(chunk_steps * sizeof(double));
    for (const MetricSpec& m : run.metrics) {
      const std::string full = "/metrics/" + m.name;
      metrics.push_back(open_dataset(full, dapl.get()));
      metric_names.push_back(full);
      const Handle space = h5::dataspace(H5Dget_space(metrics.back().get()), path, "get the dataspace of " + full);
      std::array<hsize_t, 2> dims{};
      if (H5Sget_simple_extent_ndims(space.get()) != 2 ||
          H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0 || dims[0] != replicates ||
          dims[1] != steps) {
        throw OutputError(path + ": " + full + " in the checkpoint does not have the run's replicates and months");
      }
    }
    const hsize_t org_chunk = std::clamp<hsize_t>(orgs, 1, kOrgChunkElements);
    const hsize_t step_chunk = std::clamp<hsize_t>(kOrgChunkElements / org_chunk, 1, std::max<hsize_t>(steps, 1));
    const std::array<std::pair<Handle*, std::size_t>, 4> arrays = {
        {{&cash, sizeof(double)}, {&employees, 4}, {&degree, 4}, {&alive, 1}}};
    const std::array<const char*, 4> names = {"cash", "employees", "degree", "alive"};
    for (std::size_t k = 0; k < arrays.size(); ++k) {
      const Handle org_dapl =
          chunk_cache(step_chunk * org_chunk * arrays[k].second, (orgs + org_chunk - 1) / org_chunk);
      *arrays[k].first = open_dataset(std::string("/organisations/") + names[k], org_dapl.get());
      org_arrays.push_back(arrays[k].first);
    }
    make_tie_type();
    ties = open_dataset("/ties/snapshots");
    tie_rows = rows_of(ties.get(), "/ties/snapshots");
    make_event_type();
    events = open_dataset("/events/log");
    event_rows = rows_of(events.get(), "/events/log");
    event_kind_strings = open_dataset("/events/kinds");
    event_kind_rows = rows_of(event_kind_strings.get(), "/events/kinds");
    read_dictionary(event_kinds, event_kind_strings, event_kind_rows, "/events/kinds");
    event_note_strings = open_dataset("/events/notes");
    event_note_rows = rows_of(event_note_strings.get(), "/events/notes");
    read_dictionary(event_notes, event_note_strings, event_note_rows, "/events/notes");
    if (event_notes.size() == 0 || !event_notes.text(0).empty()) {
      throw OutputError(path + ": /events/notes in the checkpoint does not start with the empty note");
    }
    make_flow_type();
    flows = open_dataset("/ledger/flows");
    flow_rows = rows_of(flows.get(), "/ledger/flows");
  }

  // ---- per step ------------------------------------------------------------------------

  // Grows the month dimension (a step beyond the end the file was created with).
  void extend_steps(hsize_t n) {
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      const std::array<hsize_t, 2> dims = {replicates, n};
      h5::check(H5Dset_extent(metrics[i].get(), dims.data()), path, "extend", metric_names[i]);
    }
    for (Handle* a : org_arrays) {
      const std::array<hsize_t, 3> dims = {replicates, n, orgs};
      h5::check(H5Dset_extent(a->get(), dims.data()), path, "extend", "an organisation array");
    }
    std::vector<char> labels(static_cast<std::size_t>(n - steps) * kMonthChars);
    for (hsize_t s = steps; s < n; ++s) {
      const std::string text = month(static_cast<int>(s));
      std::memcpy(labels.data() + (s - steps) * kMonthChars, text.data(), kMonthChars);
    }
    for (Handle& scale : month_scales) {
      h5::check(H5Dset_extent(scale.get(), &n), path, "extend", "a month scale");
      write_cells(scale.get(), month_type.get(), {steps}, {n - steps}, labels.data(), "a month scale");
    }
    steps = n;
  }

  // Whether `step` is the last of its block: its chunk of `chunk_steps` steps, or the run, ends.
  [[nodiscard]] bool ends_block(hsize_t step, hsize_t chunk_steps) const {
    return (step + 1) % chunk_steps == 0 || step + 1 >= planned_steps;
  }

  void write_metric_block(std::uint32_t replicate) {
    h5::StepBlock<double>& block = pending_steps[replicate].metrics;
    if (block.empty()) return;
    std::vector<double> column(static_cast<std::size_t>(block.rows()));
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      for (std::size_t k = 0; k < column.size(); ++k) column[k] = block.data()[k * block.width() + i];
      write_cells(metrics[i].get(), H5T_NATIVE_DOUBLE, {replicate, block.first_step()}, {1, block.rows()},
                  column.data(), metric_names[i]);
    }
    block.clear();
  }

  template <typename T>
  void write_org_block(Handle& ds, hid_t mem_type, h5::StepBlock<T>& block, std::uint32_t replicate, const char* name) {
    if (block.empty()) return;
    write_cells(ds.get(), mem_type, {replicate, block.first_step(), 0}, {1, block.rows(), orgs}, block.data(),
                std::string("/organisations/") + name);
    block.clear();
  }

  void write_pending_steps() {
    for (std::size_t r = 0; r < pending_steps.size(); ++r) {
      const auto replicate = static_cast<std::uint32_t>(r);
      PendingSteps& p = pending_steps[r];
      write_metric_block(replicate);
      write_org_block(cash, H5T_NATIVE_DOUBLE, p.cash, replicate, "cash");
      write_org_block(employees, H5T_NATIVE_INT32, p.employees, replicate, "employees");
      write_org_block(degree, H5T_NATIVE_INT32, p.degree, replicate, "degree");
      write_org_block(alive, H5T_NATIVE_UINT8, p.alive, replicate, "alive");
    }
  }

  void write_pending_events() {
    // The strings first: the rows' codes never point past the dictionaries in the file.
    write_dictionary(event_kinds, event_kind_strings, event_kind_rows, "/events/kinds");
    write_dictionary(event_notes, event_note_strings, event_note_rows, "/events/notes");
    if (pending.empty()) return;
    std::vector<EventRowH5> rows(pending.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const PendingEvent& e = pending[i];
      rows[i].replicate = e.replicate;
      rows[i].step = e.step;
      month_into(rows[i].month, e.step);
      rows[i].kind = e.kind;
      rows[i].source = e.source;
      rows[i].target = e.target;
      rows[i].amount_pln = e.amount_pln;
      rows[i].note = e.note;
    }
    append_rows(events.get(), event_mem.get(), event_rows, rows.size(), rows.data(), "/events/log");
    pending.clear();
  }

  void write_pending_flows() {
    if (pending_flows.empty()) return;
    std::vector<FlowRowH5> rows(pending_flows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const PendingFlow& f = pending_flows[i];
      rows[i].replicate = f.replicate;
      rows[i].step = f.step;
      month_into(rows[i].month, f.step);
      rows[i].source = f.source.c_str();
      rows[i].sink = f.sink.c_str();
      const auto channel = static_cast<std::size_t>(f.channel);
      if (channel >= channel_names.size()) throw OutputError(path + ": ledger flow of unknown channel");
      rows[i].channel = channel_names[channel].c_str();
      rows[i].amount_pln = f.amount_pln;
    }
    append_rows(flows.get(), flow_mem.get(), flow_rows, rows.size(), rows.data(), "/ledger/flows");
    pending_flows.clear();
  }

  void append_ties(const StepRecord& record) {
    const std::vector<TieRow>& in = *record.ties;
    if (in.empty()) return;
    std::vector<TieRowH5> rows(in.size());
    char month_now[kMonthChars];
    month_into(month_now, record.step);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const TieRow& t = in[i];
      rows[i].replicate = record.replicate;
      rows[i].step = record.step;
      std::memcpy(rows[i].month, month_now, kMonthChars);
      rows[i].source = t.source;
      rows[i].target = t.target;
      const auto kind = static_cast<std::size_t>(t.kind);
      if (kind >= tie_kind_names.size()) throw OutputError(path + ": tie of unknown kind");
      rows[i].kind = static_cast<std::uint8_t>(kind);
      rows[i].strength = t.strength;
      month_into(rows[i].start, t.start_step);
    }
    append_rows(ties.get(), tie_mem.get(), tie_rows, rows.size(), rows.data(), "/ties/snapshots");
  }

  void flush() {
    write_pending_steps();
    write_pending_events();
    write_pending_flows();
    h5::check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "flush", temp);
    last_flush = std::chrono::steady_clock::now();
  }

  // Closes every object and then the file, reporting the first failure (data still cached
  // is written at these points, so a full disk shows up here).
  void close_all_checked() {
    std::vector<Handle*> objects = {
        &ties,     &tie_mem, &tie_kind_type, &events, &event_mem, &event_kind_strings, &event_note_strings, &flows,
        &flow_mem, &cash,    &employees,     &degree, &alive};
    for (Handle& h : metrics) objects.push_back(&h);
    for (Handle& h : month_scales) objects.push_back(&h);
    for (Handle* h : objects) h5::check(h->close(), path, "close an object of", temp);
    h5::check(file.close(), path, "close", temp);
  }

  void close_all_quietly() noexcept {
    ties.reset();
    tie_mem.reset();
    tie_kind_type.reset();
    events.reset();
    event_mem.reset();
    event_kind_strings.reset();
    event_note_strings.reset();
    flows.reset();
    flow_mem.reset();
    cash.reset();
    employees.reset();
    degree.reset();
    alive.reset();
    metrics.clear();
    month_scales.clear();
    file.reset();
  }
};

Hdf5Writer::Hdf5Writer(WriterOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  const std::string& path = options_.path;
  if (path.empty()) throw OutputError("no output file given");
  const fs::path target(path);
  std::error_code ec;
  const auto status = fs::status(target, ec);
  if (fs::exists(status)) {
    if (fs::is_directory(status)) throw OutputError(path + " is a folder, not a file");
    if (!options_.force) throw OutputExists(path + " exists; use --force to replace it");
  }
  if (target.filename().empty()) throw OutputError(path + ": not a file name");
  fs::path folder = target.parent_path();
  if (folder.empty()) folder = ".";
  if (!fs::exists(folder, ec)) {
    fs::create_directories(folder, ec);
    if (ec) throw OutputError(path + ": cannot create folder " + folder.string() + " (" + ec.message() + ")");
  }
  if (!fs::is_directory(folder, ec)) throw OutputError(path + ": " + folder.string() + " is not a folder");
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    const std::error_code why(errno, std::generic_category());
    throw OutputError(path + ": cannot write in folder " + folder.string() + " (" + why.message() + ")");
  }
  temp_path_ = (folder / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()))).string();
  impl_->path = path;
  impl_->temp = temp_path_;
}

Hdf5Writer::~Hdf5Writer() {
  h5::silence_errors();
  if (impl_->broken && impl_->file && !committed_) {
    // HDF5 1.10 leaves a file whose close failed in a state that crashes the library when the
    // program exits, and closing flushes cached data, which fails again on a full disk. The
    // temporary file is doomed anyway: empty it first so that closing it can succeed.
    std::error_code ec;
    fs::resize_file(temp_path_, 0, ec);
  }
  impl_->close_all_quietly();
  if (impl_->created && !committed_ && !impl_->keep_temp) {
    std::error_code ec;
    fs::remove(temp_path_, ec);
  }
}

void Hdf5Writer::on_start(const RunDescription& run) try {
  h5::silence_errors();
  Impl& w = *impl_;
  if (w.created) throw OutputError(w.path + ": the run was already started");
  if (run.spec == nullptr) throw OutputError(w.path + ": no scenario to write");
  w.spec = run.spec;
  w.clock = run.spec->clock();
  w.replicates = static_cast<hsize_t>(std::max(run.spec->replicates, 0));
  w.steps = static_cast<hsize_t>(std::max(run.spec->steps, 0));
  w.planned_steps = w.steps;
  w.pending_steps.resize(static_cast<std::size_t>(w.replicates));
  w.orgs = run.spec->organisations.size();
  for (std::size_t k = 0; k < kTieKindCount; ++k) w.tie_kind_names[k] = std::string(name_of(static_cast<TieKind>(k)));
  for (std::size_t k = 0; k < kChannelCount; ++k) w.channel_names[k] = std::string(name_of(static_cast<Channel>(k)));

  w.month_type = w.make_month_type();
  w.text_type = w.make_text_type();

  const Handle fapl = h5::file_access(w.path);
  // Closing the file fails while anything in it is still open, so nothing is left unwritten.
  h5::check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI), w.path, "set file close properties");
  const Handle fcpl = h5::plist(H5Pcreate(H5P_FILE_CREATE), w.path, "create file properties");
  h5::check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), w.path,
            "track link creation order");
  w.created = true;  // from here on the temporary file is ours to remove
  if (!options_.continue_from.empty()) {
    std::error_code ec;
    fs::copy_file(options_.continue_from, temp_path_, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      throw OutputError(w.path + ": cannot copy the output of checkpoint " + options_.continue_from + " (" +
                        ec.message() + ")");
    }
    w.file = h5::file(H5Fopen(temp_path_.c_str(), H5F_ACC_RDWR, fapl.get()), w.path,
                      "open the temporary file " + temp_path_);
    w.reopen(run);
    for (const auto& [name, value] : extra_attributes_) w.set_text_attr(w.file.get(), name.c_str(), value);
    w.flush();
    return;
  }
  w.file = h5::file(H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), w.path,
                    "create the temporary file " + temp_path_);

  w.write_root_attributes(options_, extra_attributes_);
  w.write_scenario();
  w.write_parameters();
  w.create_metrics(run);
  w.create_organisations();
  w.create_ties();
  w.create_events();
  w.create_ledger();
  w.flush();  // from now on a copy of the file is a readable (incomplete) result
} catch (const h5::Failure&) {
  impl_->broken = true;
  throw;
}

void Hdf5Writer::on_step(const StepRecord& record) try {
  h5::silence_errors();
  Impl& w = *impl_;
  if (!w.file) throw OutputError(w.path + ": step written before the run started or after it finished");
  if (record.replicate >= w.replicates) {
    throw OutputError(w.path + ": replicate " + std::to_string(record.replicate) + " out of range");
  }
  if (record.step < 0) throw OutputError(w.path + ": negative step " + std::to_string(record.step));
  const auto step = static_cast<hsize_t>(record.step);
  if (step >= w.steps) w.extend_steps(step + 1);

  if (record.metrics.size() != w.metrics.size()) {
    throw OutputError(w.path + ": step record has " + std::to_string(record.metrics.size()) + " metrics, expected " +
                      std::to_string(w.metrics.size()));
  }
  const std::uint32_t r = record.replicate;
  Impl::PendingSteps& pending = w.pending_steps[r];
  if (!pending.metrics.continues(step)) w.write_metric_block(r);
  pending.metrics.append(step, record.metrics);
  if (w.ends_block(step, w.metric_chunk_steps)) w.write_metric_block(r);

  const auto buffer_org = [&](Handle& ds, hid_t mem_type, auto& block, auto values, const char* name) {
    if (values.empty()) {  // not provided this step: what is buffered ends here
      w.write_org_block(ds, mem_type, block, r, name);
      return;
    }
    if (values.size() != w.orgs) {
      throw OutputError(w.path + ": step record has " + std::to_string(values.size()) + " values of " + name +
                        ", expected " + std::to_string(w.orgs));
    }
    if (!block.continues(step)) w.write_org_block(ds, mem_type, block, r, name);
    block.append(step, values);
    if (w.ends_block(step, w.org_chunk_steps)) w.write_org_block(ds, mem_type, block, r, name);
  };
  buffer_org(w.cash, H5T_NATIVE_DOUBLE, pending.cash, record.org_cash_pln, "cash");
  buffer_org(w.employees, H5T_NATIVE_INT32, pending.employees, record.org_employees, "employees");
  buffer_org(w.degree, H5T_NATIVE_INT32, pending.degree, record.org_degree, "degree");
  buffer_org(w.alive, H5T_NATIVE_UINT8, pending.alive, record.org_alive, "alive");

  for (const LoggedEvent& e : record.events) {
    const std::uint32_t kind = w.event_kinds.code(e.kind);
    if (kind >= kMaxEventKinds) throw OutputError(w.path + ": more than 65536 kinds of event");
    w.pending.push_back(PendingEvent{record.replicate, e.step, static_cast<std::uint16_t>(kind), org_or_none(e.source),
                                     org_or_none(e.target), grosze_to_pln(e.amount), w.event_notes.code(e.note)});
  }
  if (w.pending.size() >= kEventBufferRows) w.write_pending_events();
  for (const LedgerFlow& f : record.flows) {
    w.pending_flows.push_back(PendingFlow{record.replicate, record.step, std::string(f.source), std::string(f.sink),
                                          f.channel, grosze_to_pln(f.amount)});
  }
  if (w.pending_flows.size() >= kEventBufferRows) w.write_pending_flows();
  if (record.ties != nullptr) w.append_ties(record);

  if (std::chrono::steady_clock::now() - w.last_flush >= kFlushInterval) w.flush();
} catch (const h5::Failure&) {
  impl_->broken = true;
  throw;
}

void Hdf5Writer::copy_output(const std::string& path) try {
  h5::silence_errors();
  Impl& w = *impl_;
  if (!w.file) throw OutputError(w.path + ": checkpoint before the run started or after it finished");
  w.flush();
  std::error_code ec;
  fs::copy_file(temp_path_, path, fs::copy_options::overwrite_existing, ec);
  if (ec) throw OutputError(path + ": cannot copy the output written so far (" + ec.message() + ")");
} catch (const h5::Failure&) {
  impl_->broken = true;
  throw;
}

void Hdf5Writer::on_finish() try {
  h5::silence_errors();
  Impl& w = *impl_;
  if (!w.file) throw OutputError(w.path + ": finish without a started run");
  w.write_pending_steps();
  w.write_pending_events();
  w.write_pending_flows();
  w.set_int_attr(w.file.get(), "complete", 1);
  h5::check(H5Fflush(w.file.get(), H5F_SCOPE_GLOBAL), w.path, "flush", temp_path_);
  w.close_all_checked();

  std::error_code ec;
  if (!options_.force && fs::exists(options_.path, ec)) {
    w.keep_temp = true;
    throw OutputExists(options_.path + " appeared during the run; the finished result was kept as " + temp_path_);
  }
  fs::rename(temp_path_, options_.path, ec);
  if (ec) {
    throw OutputError(options_.path + ": cannot move the finished result into place from " + temp_path_ + " (" +
                      ec.message() + ")");
  }
  committed_ = true;
} catch (const h5::Failure&) {
  impl_->broken = true;
  throw;
}

}  // namespace partnersim
