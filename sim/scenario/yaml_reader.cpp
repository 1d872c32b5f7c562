#include "sim/scenario/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "sim/scenario/parser.h"

namespace partnersim::scenario_detail {

namespace {

// Numbers must be written unquoted (a quoted "12" is a string in YAML); explicit !!int and
// !!float tags are fine too.
bool numeric_tag(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  return tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float";
}

std::string_view strip_plus(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  return text;
}

// Decimal integers only: "12", "-3", "+7". Sets `overflow` when the digits don't fit.
std::optional<std::int64_t> parse_int(std::string_view text, bool& overflow) {
  overflow = false;
  text = strip_plus(text);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ptr != end) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    overflow = true;
    return std::nullopt;
  }
  if (ec != std::errc{}) return std::nullopt;
  return value;
}

// Decimal reals ("40000", "0.05", "1e3", "+2.5") and YAML's .inf / .nan spellings.
std::optional<double> parse_real(std::string_view text) {
  static const std::vector<std::pair<std::string_view, double>> special = {
      {".inf", std::numeric_limits<double>::infinity()},   {".Inf", std::numeric_limits<double>::infinity()},
      {".INF", std::numeric_limits<double>::infinity()},   {"+.inf", std::numeric_limits<double>::infinity()},
      {"-.inf", -std::numeric_limits<double>::infinity()}, {"-.Inf", -std::numeric_limits<double>::infinity()},
      {"-.INF", -std::numeric_limits<double>::infinity()}, {".nan", std::numeric_limits<double>::quiet_NaN()},
      {".NaN", std::numeric_limits<double>::quiet_NaN()},  {".NAN", std::numeric_limits<double>::quiet_NaN()}};
  for (const auto& [spelling, value] : special) {
    if (text == spelling) return value;
  }
  text = strip_plus(text);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ptr != end) return std::nullopt;
  if (ec != std::errc{}) return std::nullopt;
  return value;
}

bool quoted_number(const YAML::Node& node) {
  return node.IsScalar() && !numeric_tag(node) && parse_real(node.Scalar()).has_value();
}

std::string int_expectation(std::int64_t min, std::int64_t max, bool show_max) {
  const bool unbounded = max >= std::numeric_limits<std::int32_t>::max() && !show_max;
  if (unbounded) return "an integer >= " + std::to_string(min);
  return "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
}

YAML::Mark mark_of(const YAML::Node& node, const YAML::Mark& fallback) {
  if (node.IsNull() || node.Mark().is_null()) return fallback;
  return node.Mark();
}

}  // namespace

std::string child_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path = parent;
  path += '.';
  path += key;
  return path;
}

std::string index_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = 3;
  for (const auto& candidate : candidates) {
    // Length difference is a lower bound on the distance: skip hopeless ones cheaply.
    const std::size_t length_gap =
        candidate.size() > word.size() ? candidate.size() - word.size() : word.size() - candidate.size();
    if (length_gap >= best_distance) continue;
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = &candidate;
    }
  }
  // A two-letter word is within distance 2 of every two-letter word: no hint then.
  if (best == nullptr || best_distance == 0 || best_distance >= word.size()) return "";
  return " (did you mean " + quote(*best) + "?)";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out;
}

std::string quote(std::string_view text) {
  constexpr std::size_t kMaxShown = 60;
  std::string out = "\"";
  std::size_t shown = 0;
  for (const char c : text) {
    if (shown == kMaxShown) {
      out += "...";
      break;
    }
    ++shown;
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(u));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "an empty value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& text = node.Scalar();
  if (numeric_tag(node) && parse_real(text).has_value() && text.size() <= 40) return text;
  return quote(text);
}

std::string format_pln(std::int64_t grosze) {
  const bool negative = grosze < 0;
  // Work in unsigned so that the most negative value has a magnitude too.
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(grosze + 1)) + 1U : static_cast<std::uint64_t>(grosze);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 100U), static_cast<unsigned long long>(magnitude % 100U));
  return buf;
}

std::string slug(std::string_view name) {
  // Code points of the Polish letters with diacritics, both cases, and their ASCII base.
  static constexpr std::pair<char32_t, char> kPolish[] = {
      {U'ą', 'a'}, {U'Ą', 'a'}, {U'ć', 'c'}, {U'Ć', 'c'}, {U'ę', 'e'}, {U'Ę', 'e'},
      {U'ł', 'l'}, {U'Ł', 'l'}, {U'ń', 'n'}, {U'Ń', 'n'}, {U'ó', 'o'}, {U'Ó', 'o'},
      {U'ś', 's'}, {U'Ś', 's'}, {U'ź', 'z'}, {U'Ź', 'z'}, {U'ż', 'z'}, {U'Ż', 'z'}};
  std::string out;
  std::size_t i = 0;
  while (i < name.size()) {
    const auto lead = static_cast<unsigned char>(name[i]);
    if (lead < 0x80) {
      const char c = name[i++];
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out += c;
      } else if (c >= 'A' && c <= 'Z') {
        out += static_cast<char>(c - 'A' + 'a');
      } else {
        out += '_';
      }
      continue;
    }
    // A multi-byte UTF-8 sequence: decode it; a malformed one counts as one character.
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    char32_t code = length == 4 ? lead & 0x07U : length == 3 ? lead & 0x0FU : lead & 0x1FU;
    std::size_t used = 1;
    while (used < length && i + used < name.size() && (static_cast<unsigned char>(name[i + used]) & 0xC0U) == 0x80U) {
      code = (code << 6U) | (static_cast<unsigned char>(name[i + used]) & 0x3FU);
      ++used;
    }
    if (used != length) code = 0;
    i += used;
    char ascii = '_';
    for (const auto& [letter, base] : kPolish) {
      if (letter == code) ascii = base;
    }
    out += ascii;
  }
  return out;
}

void Reader::fail(const YAML::Mark& mark, const std::string& path, const std::string& problem,
                  const Origin* origin) const {
  const bool known = !mark.is_null() && mark.line >= 0 && mark.column >= 0;
  throw ScenarioError(origin != nullptr ? origin->file : file_, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0,
                      path, problem);
}

void Reader::fail_expected(const Value& at, std::string_view expected) const {
  std::string problem = "expected " + std::string(expected) + "; got " + describe(at.node);
  if (quoted_number(at.node)) problem += " (a quoted string: write numbers without quotes)";
  fail(at, problem);
}

std::string Reader::string(const Value& v) const {
  if (!v.node.IsScalar()) fail_expected(v, "a string");
  return v.node.Scalar();
}

std::string Reader::nonempty_string(const Value& v) const {
  std::string text = string(v);
  if (text.empty()) fail_expected(v, "a non-empty string");
  return text;
}

std::int64_t Reader::integer(const Value& v, std::int64_t min, std::int64_t max) const {
  if (!v.node.IsScalar() || !numeric_tag(v.node)) fail_expected(v, int_expectation(min, max, false));
  bool overflow = false;
  const auto value = parse_int(v.node.Scalar(), overflow);
  if (!value) fail_expected(v, int_expectation(min, max, overflow));
  if (*value < min) fail_expected(v, int_expectation(min, max, false));
  if (*value > max) fail_expected(v, int_expectation(min, max, true));
  return *value;
}

std::uint64_t Reader::unsigned_integer(const Value& v) const {
  constexpr std::string_view kExpected = "an integer in [0, 18446744073709551615]";
  if (!v.node.IsScalar() || !numeric_tag(v.node)) fail_expected(v, kExpected);
  std::string_view text = strip_plus(v.node.Scalar());
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || ec != std::errc{}) fail_expected(v, kExpected);
  return value;
}

double Reader::number(const Value& v, std::string_view expected) const {
  if (!v.node.IsScalar() || !numeric_tag(v.node)) fail_expected(v, expected);
  const auto value = parse_real(v.node.Scalar());
  if (!value) fail_expected(v, expected);
  if (!std::isfinite(*value)) fail_expected(v, expected == "a number" ? "a finite number" : expected);
  return *value;
}

std::string Reader::plain_scalar(const Value& v, std::string_view expected) const {
  if (!v.node.IsScalar() || !numeric_tag(v.node)) fail_expected(v, expected);
  return v.node.Scalar();
}

YearMonth Reader::date(const Value& v) const {
  if (v.node.IsScalar()) {
    if (const auto month = YearMonth::parse(v.node.Scalar())) return *month;
  }
  fail_expected(v, "a date \"YYYY-MM\" (year >= 1800, month 01-12)");
}

std::vector<Value> Reader::list(const Value& v, bool empty_ok) const {
  if (empty_ok && v.node.IsNull()) return {};
  if (!v.node.IsSequence()) fail_expected(v, "a list");
  std::vector<Value> items;
  items.reserve(v.node.size());
  std::size_t i = 0;
  for (const auto& item : v.node) {
    items.push_back(Value{item, index_path(v.path, i), mark_of(item, v.mark), v.origin});
    ++i;
  }
  return items;
}

Map::Map(const Reader& reader, const Value& v) : reader_(&reader), self_(v) {
  if (!v.node.IsMap()) reader.fail_expected(v, "a map");
  std::unordered_map<std::string, YAML::Mark> seen;
  for (const auto& pair : v.node) {
    // Copies: yaml-cpp's iterators hand out proxies, so references into them would dangle.
    const YAML::Node key = pair.first;
    const YAML::Node value = pair.second;
    const YAML::Mark key_mark = mark_of(key, v.mark);
    if (!key.IsScalar()) {
      reader.fail(key_mark, v.path, "expected a plain key; got " + describe(key) + " as a key", v.origin);
    }
    const std::string& name = key.Scalar();
    const auto [previous, inserted] = seen.emplace(name, key_mark);
    if (!inserted) {
      std::string where;
      if (!previous->second.is_null())
        where = " (first given at line " + std::to_string(previous->second.line + 1) + ")";
      reader.fail(key_mark, child_path(v.path, name), "duplicate key " + quote(name) + where, v.origin);
    }
    entries_.push_back(
        Entry{name, key_mark, Value{value, child_path(v.path, name), mark_of(value, key_mark), v.origin}});
  }
}

void Map::allow(const std::vector<std::string>& keys, std::string_view noun, std::string_view label,
                std::string_view context) const {
  for (const auto& entry : entries_) {
    if (std::find(keys.begin(), keys.end(), entry.key) != keys.end()) continue;
    std::string problem =
        "unknown " + std::string(noun) + " " + quote(entry.key) + std::string(context) + did_you_mean(entry.key, keys);
    problem += "; " + std::string(label) + ": " + (keys.empty() ? std::string("none") : join(keys));
    reader_->fail(entry.key_mark, entry.value.path, problem, self_.origin);
  }
}

const Map::Entry* Map::find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

std::optional<Value> Map::get(std::string_view key) const {
  if (const Entry* entry = find(key)) return entry->value;
  return std::nullopt;
}

Value Map::require(std::string_view key) const {
  if (const Entry* entry = find(key)) return entry->value;
  reader_->fail(self_.mark, child_path(self_.path, key), "missing required key " + quote(key), self_.origin);
}

namespace {

// Sees only where documents start: a document starting where the previous one started has
// consumed nothing, and the parser would return it again for ever.
class DocumentStarts final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (started_ && mark.pos == last_.pos) {
      throw YAML::ParserException(mark, "unexpected character here (a ',' outside [ ] or { }?)");
    }
    started_ = true;
    last_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t /*anchor*/) override {}
  void OnScalar(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {}
  void OnSequenceStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                       YAML::EmitterStyle::value /*style*/) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {}
  void OnMapEnd() override {}

 private:
  bool started_ = false;
  YAML::Mark last_;
};

}  // namespace

std::vector<YAML::Node> load_all_documents(const std::string& text) {
  {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    while (parser.HandleNextDocument(starts)) {
    }
  }
  return YAML::LoadAll(text);
}

std::size_t max_expanded_nodes(std::size_t text_bytes) { return 2 * text_bytes + 1024; }

namespace {

// Visits every node as a reader would, following aliases (counted each time they are
// reached); stops at the first limit crossed, so the walk itself is bounded.
class ShapeCheck {
 public:
  ShapeCheck(const Reader& reader, std::size_t text_bytes)
      : reader_(reader), text_bytes_(text_bytes), budget_(max_expanded_nodes(text_bytes)) {}

  void visit(const YAML::Node& node, int depth) {
    if (depth > kMaxNestingDepth) {
      reader_.fail(node.Mark(), "",
                   "the document nests deeper than " + std::to_string(kMaxNestingDepth) +
                       " levels (lists or maps inside each other, or an alias that contains itself); a scenario "
                       "needs a few");
    }
    if (++visited_ > budget_) {
      reader_.fail(node.Mark(), "",
                   "the document's aliases (*name) expand to more than " + std::to_string(budget_) +
                       " values although the file has " + std::to_string(text_bytes_) +
                       " bytes: refusing what looks like an alias bomb; write the values out instead");
    }
    if (node.IsSequence()) {
      for (const auto& item : node) visit(item, depth + 1);
    } else if (node.IsMap()) {
      for (const auto& entry : node) {
        visit(entry.first, depth + 1);
        visit(entry.second, depth + 1);
      }
    }
  }

 private:
  const Reader& reader_;
  std::size_t text_bytes_;
  std::size_t budget_;
  std::size_t visited_ = 0;
};

}  // namespace

void check_document_shape(const Reader& reader, const YAML::Node& root, std::size_t text_bytes) {
  ShapeCheck(reader, text_bytes).visit(root, 0);
}

}  // namespace partnersim::scenario_detail
