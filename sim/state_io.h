// The state of a replicate as bytes, for checkpoints: the world and every module write what
// they carry from one month to the next, and read it back in the same order. The format is
// for the same build of partnersim on the same machine (native byte order, no schema); a
// checkpoint records the version that wrote it and is refused by any other.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace partnersim {

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StateWriter {
 public:
  template <typename T>
  requires std::is_trivially_copyable_v<T>
  void put(const T& value) {
    const auto* p = reinterpret_cast<const std::byte*>(&value);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  void put(const std::string& text) {
    put(static_cast<std::uint64_t>(text.size()));
    const auto* p =
        reinterpret_cast<const std::byte*>(text.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
    bytes_.insert(bytes_.end(), p, p + text.size());
  }
  template <typename T>
  void put(const std::vector<T>& values) {
    put(static_cast<std::uint64_t>(values.size()));
    if constexpr (std::is_trivially_copyable_v<T>) {
      if (values.empty()) return;
      const auto* p =
          reinterpret_cast<const std::byte*>(values.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
      bytes_.insert(bytes_.end(), p, p + values.size() * sizeof(T));
    } else {
      for (const T& v : values) put(v);
    }
  }
  template <typename A, typename B>
  void put(const std::pair<A, B>& value) {
    put(value.first);
    put(value.second);
  }
  template <typename K, typename V>
  void put(const std::map<K, V>& values) {
    put(static_cast<std::uint64_t>(values.size()));
    for (const auto& [k, v] : values) {
      put(k);
      put(v);
    }
  }
  template <typename K>
  void put(const std::set<K>& values) {
    put(static_cast<std::uint64_t>(values.size()));
    for (const K& k : values) put(k);
  }

  // A named part (one module's state): its length is recorded, so that reading can check the
  // part was read exactly, and a wrong part is named in the error.
  std::size_t begin_part(const std::string& name) {
    put(name);
    const std::size_t at = bytes_.size();
    put(std::uint64_t{0});
    return at;
  }
  void end_part(std::size_t at) {
    const std::uint64_t length = bytes_.size() - at - sizeof(std::uint64_t);
    std::memcpy(bytes_.data() + at, &length, sizeof length);
  }

  [[nodiscard]] const std::vector<std::byte>& bytes() const { return bytes_; }
  std::vector<std::byte> take() { return std::move(bytes_); }

 private:
  std::vector<std::byte> bytes_;
};

class StateReader {
 public:
  StateReader(std::span<const std::byte> bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}

  template <typename T>
  requires std::is_trivially_copyable_v<T>
  void get(T& value) {
    need(sizeof(T));
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
  }
  template <typename T>
  requires std::is_trivially_copyable_v<T>
  [[nodiscard]] T get() {
    T value{};
    get(value);
    return value;
  }
  void get(std::string& text) {
    const std::size_t n = count(1);
    text.assign(reinterpret_cast<const char*>(bytes_.data() + at_),
                n);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
    at_ += n;
  }
  template <typename T>
  void get(std::vector<T>& values) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      const std::size_t n = count(sizeof(T));
      values.resize(n);
      if (n > 0)
        std::memcpy(values.data(), bytes_.data() + at_, n * sizeof(T));  // data() of an empty vector may be null
      at_ += n * sizeof(T);
    } else {
      const std::size_t n = count(1);
      values.clear();
      values.resize(n);
      for (T& v : values) get(v);
    }
  }
  template <typename A, typename B>
  void get(std::pair<A, B>& value) {
    get(value.first);
    get(value.second);
  }
  template <typename K, typename V>
  void get(std::map<K, V>& values) {
    const std::size_t n = count(1);
    values.clear();
    for (std::size_t i = 0; i < n; ++i) {
      K k{};
      V v{};
      get(k);
      get(v);
      values.emplace(std::move(k), std::move(v));
    }
  }
  template <typename K>
  void get(std::set<K>& values) {
    const std::size_t n = count(1);
    values.clear();
    for (std::size_t i = 0; i < n; ++i) {
      K k{};
      get(k);
      values.insert(std::move(k));
    }
  }

  // The part written by StateWriter::begin_part(name), as a reader of its own.
  StateReader part(const std::string& name) {
    std::string found;
    get(found);
    if (found != name) throw CheckpointError(what_ + ": expected the state of " + name + ", found " + found);
    const std::size_t n = count(1);
    StateReader inner(bytes_.subspan(at_, n), what_ + ", " + name);
    at_ += n;
    return inner;
  }
  // Every byte was read: a module that reads less (or more) than it wrote is a bug.
  void expect_end() const {
    if (at_ != bytes_.size()) {
      throw CheckpointError(what_ + ": " + std::to_string(bytes_.size() - at_) + " bytes of state left unread");
    }
  }
  [[nodiscard]] const std::string& what() const { return what_; }

 private:
  void need(std::size_t n) const {
    if (n > bytes_.size() - at_) throw CheckpointError(what_ + ": state ends early (truncated or from another build)");
  }
  // A length prefix, checked against what is left so that a corrupt length cannot allocate.
  std::size_t count(std::size_t element_bytes) {
    const auto n = get<std::uint64_t>();
    if (n > (bytes_.size() - at_) / std::max<std::size_t>(element_bytes, 1)) {
      throw CheckpointError(what_ + ": a length of " + std::to_string(n) + " does not fit in the state");
    }
    return static_cast<std::size_t>(n);
  }

  std::span<const std::byte> bytes_;
  std::size_t at_ = 0;
  std::string what_;
};

}  // namespace partnersim
