#include "sim/output/result_file.h"

#include <hdf5.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "sim/output/h5_handle.h"
#include "sim/output/hdf5_writer.h"

namespace partnersim {

namespace {

using h5::Handle;

bool is_hdf5(const std::string& path) {
#if H5_VERSION_GE(1, 12, 0)
  return H5Fis_accessible(path.c_str(), H5P_DEFAULT) > 0;
#else
  return H5Fis_hdf5(path.c_str()) > 0;
#endif
}

bool link_exists(hid_t loc, const char* name) { return H5Lexists(loc, name, H5P_DEFAULT) > 0; }

bool attribute_exists(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }

std::string format_double(double v) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

// Every element of an attribute (or dataset) rendered as text, joined by ", ".
std::string attribute_text(hid_t attr, const std::string& path, const std::string& name) {
  const Handle type = h5::datatype(H5Aget_type(attr), path, "read the type of attribute " + name);
  const Handle space = h5::dataspace(H5Aget_space(attr), path, "read the shape of attribute " + name);
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  h5::check(count < 0 ? -1 : 0, path, "read the shape of attribute", name);
  const auto n = static_cast<std::size_t>(count);
  std::vector<std::string> parts;
  switch (H5Tget_class(type.get())) {
    case H5T_STRING: {
      const htri_t variable = H5Tis_variable_str(type.get());
      h5::check(variable < 0 ? -1 : 0, path, "read the type of attribute", name);
      const Handle mem =
          h5::datatype(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), path, "read the type of attribute " + name);
      if (variable > 0) {
        std::vector<char*> data(n, nullptr);
        h5::check(H5Aread(attr, mem.get(), data.data()), path, "read attribute", name);
        for (char* s : data) {
          parts.emplace_back(s != nullptr ? s : "");
          H5free_memory(s);
        }
      } else {
        const std::size_t size = H5Tget_size(type.get());
        std::vector<char> data(n * size);
        if (!data.empty()) h5::check(H5Aread(attr, mem.get(), data.data()), path, "read attribute", name);
        for (std::size_t i = 0; i < n; ++i) {
          std::string s(data.data() + i * size, size);
          s.erase(s.find_last_not_of(std::string_view("\0 ", 2)) + 1);
          parts.push_back(std::move(s));
        }
      }
      break;
    }
    case H5T_INTEGER: {
      if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
        std::vector<unsigned long long> data(n);
        h5::check(H5Aread(attr, H5T_NATIVE_ULLONG, data.data()), path, "read attribute", name);
        for (const auto v : data) parts.push_back(std::to_string(v));
      } else {
        std::vector<long long> data(n);
        h5::check(H5Aread(attr, H5T_NATIVE_LLONG, data.data()), path, "read attribute", name);
        for (const auto v : data) parts.push_back(std::to_string(v));
      }
      break;
    }
    case H5T_FLOAT: {
      std::vector<double> data(n);
      h5::check(H5Aread(attr, H5T_NATIVE_DOUBLE, data.data()), path, "read attribute", name);
      for (const double v : data) parts.push_back(format_double(v));
      break;
    }
    default:
      return "(unsupported type)";
  }
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) text += ", ";
    text += parts[i];
  }
  return text;
}

std::int64_t int_attribute(hid_t obj, const char* name, const std::string& path) {
  const Handle attr = h5::attribute(H5Aopen(obj, name, H5P_DEFAULT), path, std::string("open attribute ") + name);
  const Handle space = h5::dataspace(H5Aget_space(attr.get()), path, std::string("read attribute ") + name);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw OutputError(path + ": attribute " + name + " is not a single number");
  }
  const Handle type = h5::datatype(H5Aget_type(attr.get()), path, std::string("read attribute ") + name);
  if (H5Tget_class(type.get()) != H5T_INTEGER) throw OutputError(path + ": attribute " + name + " is not an integer");
  long long value = 0;
  h5::check(H5Aread(attr.get(), H5T_NATIVE_LLONG, &value), path, "read attribute", name);
  return value;
}

// Opens a finished partnersim result for reading, or explains why it is not one.
Handle open_result(const std::string& path) {
  h5::silence_errors();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw OutputError(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw OutputError(path + ": is a folder, not a result file");
  if (!is_hdf5(path)) {
    H5Eclear2(H5E_DEFAULT);
    throw OutputError(path + ": not an HDF5 file");
  }
  const Handle fapl = h5::file_access(path);
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get());
  if (id < 0) {
    const std::string reason = h5::error_detail();
    throw OutputError(path + ": not an HDF5 file (truncated or damaged" + (reason.empty() ? "" : ": " + reason) + ")");
  }
  Handle file(id, &H5Fclose);
  if (!attribute_exists(file.get(), "format_version") || !link_exists(file.get(), "metrics")) {
    throw OutputError(path + ": not a partnersim result (no format_version)");
  }
  const std::int64_t version = int_attribute(file.get(), "format_version", path);
  if (version > kOutputFormatVersion) {
    throw OutputError(path + ": written in result format " + std::to_string(version) + ", newer than this " +
                      "partnersim reads (" + std::to_string(kOutputFormatVersion) + ")");
  }
  if (!attribute_exists(file.get(), "complete") || int_attribute(file.get(), "complete", path) != 1) {
    throw OutputError(path + ": incomplete result (the run did not finish)");
  }
  return file;
}

herr_t collect_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* data) noexcept {
  try {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

herr_t collect_attr_name(hid_t /*obj*/, const char* name, const H5A_info_t* /*info*/, void* data) noexcept {
  try {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

// Links of a group in creation order where recorded (partnersim files), else by name.
std::vector<std::string> link_names(hid_t group, const std::string& path, const std::string& group_name) {
  std::vector<std::string> names;
  if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, &collect_name, &names) >= 0) return names;
  names.clear();
  H5Eclear2(H5E_DEFAULT);
  h5::check(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, &collect_name, &names), path, "list", group_name);
  return names;
}

std::vector<hsize_t> dims_of(hid_t ds, const std::string& path, const std::string& name) {
  const Handle space = h5::dataspace(H5Dget_space(ds), path, "read the shape of " + name);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  h5::check(rank < 0 ? -1 : 0, path, "read the shape of", name);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0)
    h5::check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), path, "read the shape of", name);
  return dims;
}

std::size_t rows_of(hid_t file, const char* group, const char* dataset, const std::string& path) {
  if (!link_exists(file, group)) return 0;
  const std::string full = std::string(group) + "/" + dataset;
  if (!link_exists(file, full.c_str())) return 0;
  const Handle ds = h5::dataset(H5Dopen2(file, full.c_str(), H5P_DEFAULT), path, "open /" + full);
  const std::vector<hsize_t> dims = dims_of(ds.get(), path, "/" + full);
  return dims.empty() ? 0 : static_cast<std::size_t>(dims[0]);
}

std::vector<std::string> read_months(hid_t metrics, const std::string& path) {
  if (!link_exists(metrics, "month")) return {};
  const Handle ds = h5::dataset(H5Dopen2(metrics, "month", H5P_DEFAULT), path, "open /metrics/month");
  const std::vector<hsize_t> dims = dims_of(ds.get(), path, "/metrics/month");
  if (dims.size() != 1) throw OutputError(path + ": /metrics/month is not one-dimensional");
  const auto n = static_cast<std::size_t>(dims[0]);
  const Handle type = h5::datatype(H5Dget_type(ds.get()), path, "read the type of /metrics/month");
  if (H5Tget_class(type.get()) != H5T_STRING) throw OutputError(path + ": /metrics/month does not hold text");
  const Handle mem = h5::datatype(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), path, "read /metrics/month");
  std::vector<std::string> months;
  months.reserve(n);
  if (n == 0) return months;
  if (H5Tis_variable_str(type.get()) > 0) {
    std::vector<char*> data(n, nullptr);
    h5::check(H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), path, "read", "/metrics/month");
    for (char* s : data) {
      months.emplace_back(s != nullptr ? s : "");
      H5free_memory(s);
    }
  } else {
    const std::size_t size = H5Tget_size(type.get());
    std::vector<char> data(n * size);
    h5::check(H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), path, "read", "/metrics/month");
    for (std::size_t i = 0; i < n; ++i) {
      std::string s(data.data() + i * size, size);
      s.erase(s.find_last_not_of(std::string_view("\0 ", 2)) + 1);
      months.push_back(std::move(s));
    }
  }
  return months;
}

// A metric dataset: 2-D floating point [replicate, month].
bool is_metric(hid_t ds) {
  const Handle type(H5Dget_type(ds), &H5Tclose);
  if (!type || H5Tget_class(type.get()) != H5T_FLOAT) return false;
  const Handle space(H5Dget_space(ds), &H5Sclose);
  return space && H5Sget_simple_extent_ndims(space.get()) == 2;
}

std::vector<double> read_doubles(hid_t ds, hid_t file_space, hsize_t n, const std::string& path,
                                 const std::string& name) {
  std::vector<double> values(static_cast<std::size_t>(n));
  if (n == 0) return values;
  const Handle mspace = h5::dataspace(H5Screate_simple(1, &n, nullptr), path, "create a dataspace");
  h5::check(H5Dread(ds, H5T_NATIVE_DOUBLE, mspace.get(), file_space, H5P_DEFAULT, values.data()), path, "read", name);
  return values;
}

std::string text_attribute_or_empty(hid_t obj, const char* name, const std::string& path) {
  if (!attribute_exists(obj, name)) return {};
  const Handle attr = h5::attribute(H5Aopen(obj, name, H5P_DEFAULT), path, std::string("open attribute ") + name);
  return attribute_text(attr.get(), path, name);
}

MetricSummary summarise(hid_t ds, const std::string& name, const std::string& path) {
  const std::string full = "/metrics/" + name;
  MetricSummary summary;
  summary.name = name;
  summary.unit = text_attribute_or_empty(ds, "unit", path);
  summary.description = text_attribute_or_empty(ds, "description", path);
  const std::vector<hsize_t> dims = dims_of(ds, path, full);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  summary.mean = summary.min = summary.max = nan;
  if (dims[0] == 0 || dims[1] == 0) return summary;

  const Handle fspace = h5::dataspace(H5Dget_space(ds), path, "read the shape of " + full);
  const std::array<hsize_t, 2> start = {0, dims[1] - 1};
  const std::array<hsize_t, 2> count = {dims[0], 1};
  h5::check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), path,
            "select the last step of", full);
  const std::vector<double> last = read_doubles(ds, fspace.get(), dims[0], path, full);
  double sum = 0.0;
  std::size_t n = 0;
  for (const double v : last) {
    if (std::isnan(v)) continue;
    if (n == 0 || v < summary.min) summary.min = v;
    if (n == 0 || v > summary.max) summary.max = v;
    sum += v;
    ++n;
  }
  if (n > 0) summary.mean = sum / static_cast<double>(n);
  return summary;
}

bool reserved_metric_name(const std::string& name) {
  return name.empty() || name == "month" || name == "replicate" || name.find('/') != std::string::npos || name == "." ||
         name == "..";
}

}  // namespace

ResultInfo read_result_info(const std::string& path) {
  const Handle file = open_result(path);
  ResultInfo info;

  std::vector<std::string> attr_names;
  h5::check(H5Aiterate2(file.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, &collect_attr_name, &attr_names), path,
            "list the attributes of", "/");
  for (const std::string& name : attr_names) {
    const Handle attr = h5::attribute(H5Aopen(file.get(), name.c_str(), H5P_DEFAULT), path, "open attribute " + name);
    info.attributes[name] = attribute_text(attr.get(), path, name);
  }

  const Handle metrics = h5::group(H5Gopen2(file.get(), "metrics", H5P_DEFAULT), path, "open /metrics");
  info.months = read_months(metrics.get(), path);
  info.steps = static_cast<int>(info.months.size());
  if (link_exists(metrics.get(), "replicate")) {
    const Handle ds = h5::dataset(H5Dopen2(metrics.get(), "replicate", H5P_DEFAULT), path, "open /metrics/replicate");
    const std::vector<hsize_t> dims = dims_of(ds.get(), path, "/metrics/replicate");
    info.replicates = dims.empty() ? 0 : static_cast<int>(dims[0]);
  }

  for (const std::string& name : link_names(metrics.get(), path, "/metrics")) {
    if (name == "month" || name == "replicate") continue;
    const Handle obj(H5Oopen(metrics.get(), name.c_str(), H5P_DEFAULT), &H5Oclose);
    if (!obj || H5Iget_type(obj.get()) != H5I_DATASET || !is_metric(obj.get())) {
      H5Eclear2(H5E_DEFAULT);
      continue;
    }
    info.metrics.push_back(summarise(obj.get(), name, path));
    if (info.months.empty()) {
      // A file without the month axis: take the shape from the data.
      const std::vector<hsize_t> dims = dims_of(obj.get(), path, "/metrics/" + name);
      info.steps = static_cast<int>(dims[1]);
      info.replicates = static_cast<int>(dims[0]);
    }
  }

  info.organisations = rows_of(file.get(), "organisations", "table", path);
  info.events = rows_of(file.get(), "events", "log", path);
  return info;
}

std::vector<std::vector<double>> read_metric(const std::string& path, const std::string& metric) {
  const Handle file = open_result(path);
  const Handle metrics = h5::group(H5Gopen2(file.get(), "metrics", H5P_DEFAULT), path, "open /metrics");
  const std::string full = "/metrics/" + metric;
  if (reserved_metric_name(metric) || !link_exists(metrics.get(), metric.c_str())) {
    throw OutputError(path + ": no metric '" + metric + "'");
  }
  const Handle ds = h5::dataset(H5Dopen2(metrics.get(), metric.c_str(), H5P_DEFAULT), path, "open " + full);
  if (!is_metric(ds.get())) throw OutputError(path + ": " + full + " is not a [replicate, month] metric");
  const std::vector<hsize_t> dims = dims_of(ds.get(), path, full);
  const std::vector<double> flat = read_doubles(ds.get(), H5S_ALL, dims[0] * dims[1], path, full);
  std::vector<std::vector<double>> out(static_cast<std::size_t>(dims[0]));
  const auto steps = static_cast<std::size_t>(dims[1]);
  for (std::size_t r = 0; r < out.size(); ++r) {
    out[r].assign(flat.begin() + static_cast<std::ptrdiff_t>(r * steps),
                  flat.begin() + static_cast<std::ptrdiff_t>((r + 1) * steps));
  }
  return out;
}

}  // namespace partnersim
