// Internal to sim/output: owning wrappers for HDF5 identifiers and checked calls that turn
// HDF5 failures into OutputError with the reason HDF5 gives (e.g. "No space left on device").
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "sim/output/hdf5_writer.h"

namespace partnersim::h5 {

using Closer = herr_t (*)(hid_t);

// Owns one hid_t and closes it with the function matching its kind (H5Fclose, H5Dclose...).
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }

  [[nodiscard]] hid_t get() const { return id_; }
  [[nodiscard]] explicit operator bool() const { return id_ >= 0; }

  // Closes now and reports the result (negative on failure); the handle is empty afterwards.
  herr_t close() noexcept {
    herr_t rc = 0;
    if (id_ >= 0 && closer_ != nullptr) rc = closer_(id_);
    id_ = H5I_INVALID_HID;
    return rc;
  }
  // Closes, ignoring failures (for destructors and unwinding).
  void reset() noexcept { static_cast<void>(close()); }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Turns off HDF5's printing of its error stack to stderr. The setting belongs to the calling
// thread in thread-safe builds, so every entry point calls it.
inline void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace detail {
inline herr_t collect_error(unsigned n, const H5E_error2_t* err, void* client) {
  auto* out = static_cast<std::string*>(client);
  if (n == 0 && err != nullptr && err->desc != nullptr) *out = err->desc;  // innermost error
  return 0;
}
}  // namespace detail

// The reason for the most recent HDF5 failure on this thread: the operating system's message
// when there is one ("No space left on device"), else HDF5's innermost description.
inline std::string error_detail() {
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, &detail::collect_error, &desc);
  H5Eclear2(H5E_DEFAULT);
  const std::string_view marker = "error message = '";
  if (const auto at = desc.find(marker); at != std::string::npos) {
    const auto begin = at + marker.size();
    const auto end = desc.find('\'', begin);
    if (end != std::string::npos) return desc.substr(begin, end - begin);
  }
  return desc;
}

// A call into HDF5 failed (as opposed to a check of ours): the file may be in a bad state.
class Failure : public OutputError {
 public:
  using OutputError::OutputError;
};

// Throws Failure "<path>: cannot <what> (<reason>)"
[[noreturn]] inline void fail(std::string_view path, std::string_view what) {
  std::string message = std::string(path) + ": cannot " + std::string(what);
  if (const std::string reason = error_detail(); !reason.empty()) message += " (" + reason + ")";
  throw Failure(message);
}

inline void check(herr_t rc, std::string_view path, std::string_view what) {
  if (rc < 0) fail(path, what);
}

// "<path>: cannot <verb> <object> (<reason>)", composing the message only on failure.
inline void check(herr_t rc, std::string_view path, std::string_view verb, std::string_view object) {
  if (rc < 0) fail(path, std::string(verb) + " " + std::string(object));
}

inline Handle checked(hid_t id, Closer closer, std::string_view path, std::string_view what) {
  if (id < 0) fail(path, what);
  return Handle(id, closer);
}

// Type-specific shorthands.
inline Handle file(hid_t id, std::string_view path, std::string_view what) {
  return checked(id, &H5Fclose, path, what);
}
inline Handle group(hid_t id, std::string_view path, std::string_view what) {
  return checked(id, &H5Gclose, path, what);
}
inline Handle dataset(hid_t id, std::string_view path, std::string_view what) {
  return checked(id, &H5Dclose, path, what);
}
inline Handle dataspace(hid_t id, std::string_view path, std::string_view what) {
  return checked(id, &H5Sclose, path, what);
}
inline Handle datatype(hid_t id, std::string_view path, std::string_view what) {
  return checked(id, &H5Tclose, path, what);
}
inline Handle attribute(hid_t id, std::string_view path, std::string_view what) {
  return checked(id, &H5Aclose, path, what);
}
inline Handle plist(hid_t id, std::string_view path, std::string_view what) {
  return checked(id, &H5Pclose, path, what);
}

// File access properties shared by the writer and the reader: take file locks where the file
// system supports them, but do not fail on one that does not (NFS and similar).
inline Handle file_access(std::string_view path) {
  Handle fapl = plist(H5Pcreate(H5P_FILE_ACCESS), path, "create file access properties");
#if (H5_VERSION_GE(1, 10, 7) && !H5_VERSION_GE(1, 12, 0)) || H5_VERSION_GE(1, 12, 1)
  check(H5Pset_file_locking(fapl.get(), true, true), path, "set file locking properties");
#endif
  return fapl;
}

// A variable-length UTF-8 string type (text attributes and columns).
inline Handle text_type(std::string_view path) {
  Handle t = datatype(H5Tcopy(H5T_C_S1), path, "create a string type");
  check(H5Tset_size(t.get(), H5T_VARIABLE), path, "make a variable-length string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), path, "set a string type to UTF-8");
  return t;
}

// Scalar attributes of `obj`, created (they must not exist yet).
namespace detail {
inline void write_scalar_attribute(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const void* value,
                                   std::string_view path) {
  const Handle space = dataspace(H5Screate(H5S_SCALAR), path, "create a dataspace");
  const Handle attr = attribute(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), path,
                                std::string("create attribute ") + name);
  check(H5Awrite(attr.get(), mem_type, value), path, "write attribute", name);
}
}  // namespace detail
inline void write_text_attribute(hid_t obj, const char* name, const std::string& value, std::string_view path) {
  const Handle type = text_type(path);
  const char* data = value.c_str();
  detail::write_scalar_attribute(obj, name, type.get(), type.get(), static_cast<const void*>(&data), path);
}
inline void write_int_attribute(hid_t obj, const char* name, std::int64_t value, std::string_view path) {
  detail::write_scalar_attribute(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, path);
}
inline void write_double_attribute(hid_t obj, const char* name, double value, std::string_view path) {
  detail::write_scalar_attribute(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, path);
}

}  // namespace partnersim::h5
