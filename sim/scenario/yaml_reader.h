// Private to the scenario parser: typed, position-aware reading of a yaml-cpp document.
// Every read either returns a well-typed value or throws ScenarioError pointing at the
// offending node (file:line:column, key path, what was expected and what was found).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/clock.h"

namespace partnersim::scenario_detail {

// Where a node comes from: the file (a scenario may include others) and how that file was
// included. Values read from an included file are renamed and scaled as the include says.
struct Origin {
  std::string file;
  double scale = 1.0;                                 // extensive quantities only
  std::map<std::string, std::string> organisations;   // id in the file -> id used
  std::map<std::string, std::string> municipalities;  // name in the file -> name used
  std::string label;                                  // appended to defined names
};

// A node of the document, its key path ("organisations[2].kind"), the position to report
// for it (the node's own, or its key's when the value is empty) and the file it is in.
struct Value {
  YAML::Node node;
  std::string path;
  YAML::Mark mark;
  const Origin* origin = nullptr;  // nullptr: the reader's own file
};

std::string child_path(const std::string& parent, std::string_view key);
std::string index_path(const std::string& parent, std::size_t index);

// Levenshtein distance, and the closest candidate within distance 2 as
// ` (did you mean "x"?)`, or "" when none is that close.
std::size_t edit_distance(std::string_view a, std::string_view b);
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

std::string join(const std::vector<std::string>& items);  // "a, b, c"
std::string quote(std::string_view text);                 // "\"text\"", escaped, shortened
std::string describe(const YAML::Node& node);             // for "...; got <describe>"
std::string format_pln(std::int64_t grosze);              // "39999.96"

// An id-safe form of a name: ASCII letters (lowercased) and digits kept, Polish letters
// transliterated (ą->a, ł->l, ż->z ...), every other character (UTF-8 code point) -> '_'.
// "Poznań" -> "poznan", "Zielona Góra" -> "zielona_gora".
std::string slug(std::string_view name);

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& path, const std::string& problem,
                         const Origin* origin = nullptr) const;
  [[noreturn]] void fail(const Value& at, const std::string& problem) const {
    fail(at.mark, at.path, problem, at.origin);
  }
  // "expected <expected>; got <what the node holds>"
  [[noreturn]] void fail_expected(const Value& at, std::string_view expected) const;

  // Any scalar, quoted or not, as text.
  [[nodiscard]] std::string string(const Value& v) const;
  [[nodiscard]] std::string nonempty_string(const Value& v) const;
  // An unquoted decimal integer in [min, max].
  [[nodiscard]] std::int64_t integer(const Value& v, std::int64_t min, std::int64_t max) const;
  [[nodiscard]] std::uint64_t unsigned_integer(const Value& v) const;
  // An unquoted finite number; `expected` is what error messages say was expected.
  [[nodiscard]] double number(const Value& v, std::string_view expected = "a number") const;
  // The text of an unquoted scalar (numbers, true/false); fails with `expected` otherwise.
  [[nodiscard]] std::string plain_scalar(const Value& v, std::string_view expected) const;
  // A "YYYY-MM" month.
  [[nodiscard]] YearMonth date(const Value& v) const;
  // The items of a list; an empty value reads as an empty list when empty_ok.
  [[nodiscard]] std::vector<Value> list(const Value& v, bool empty_ok) const;

  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::string& file_of(const Value& v) const { return v.origin ? v.origin->file : file_; }

 private:
  std::string file_;
};

// A YAML map whose keys are plain, unique scalars.
class Map {
 public:
  struct Entry {
    std::string key;
    YAML::Mark key_mark;
    Value value;
  };

  Map(const Reader& reader, const Value& v);

  // Rejects keys not in `keys`:
  //   unknown <noun> "k"<context> (did you mean "x"?); <label>: a, b, c
  void allow(const std::vector<std::string>& keys, std::string_view noun = "key",
             std::string_view label = "allowed keys", std::string_view context = "") const;
  [[nodiscard]] std::optional<Value> get(std::string_view key) const;
  [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }
  // Fails at the map's own position when the key is missing.
  [[nodiscard]] Value require(std::string_view key) const;
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }
  [[nodiscard]] const Value& self() const { return self_; }

 private:
  [[nodiscard]] const Entry* find(std::string_view key) const;

  const Reader* reader_;
  Value self_;
  std::vector<Entry> entries_;
};

// YAML::LoadAll, guarded: yaml-cpp 0.7 loops for ever, allocating, when a document
// consumes no input (a stray ',' at the top level: jbeder/yaml-cpp#1040, fixed upstream by
// #1319). The event stream is scanned first and such a spot is a YAML::ParserException.
[[nodiscard]] std::vector<YAML::Node> load_all_documents(const std::string& text);

// Limits on the shape of a document, checked before anything reads it: no scenario nests
// deeper than a few levels, and without aliases a document has fewer nodes than bytes, so a
// document whose aliases expand to many more nodes than it has bytes is an alias bomb.
inline constexpr int kMaxNestingDepth = 64;
[[nodiscard]] std::size_t max_expanded_nodes(std::size_t text_bytes);
// Fails (ScenarioError at the offending node) on deeper nesting or an alias bomb.
void check_document_shape(const Reader& reader, const YAML::Node& root, std::size_t text_bytes);

}  // namespace partnersim::scenario_detail
