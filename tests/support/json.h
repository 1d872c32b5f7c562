// A minimal JSON reader for tests that check files the CLI writes (compare.json). Strict
// enough to reject malformed output: throws std::runtime_error on anything that is not JSON.
#pragma once

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace partnersim::testing {

struct Json {
  enum class Type { Null, Bool, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  double number = 0.0;
  std::string text;
  std::vector<Json> items;
  std::map<std::string, Json> members;
  std::vector<std::string> keys;  // members in file order

  [[nodiscard]] const Json& operator[](const std::string& key) const {
    const auto it = members.find(key);
    if (type != Type::Object || it == members.end()) throw std::runtime_error("no member \"" + key + "\"");
    return it->second;
  }
  [[nodiscard]] const Json& operator[](std::size_t i) const { return items.at(i); }
  [[nodiscard]] bool is_null() const { return type == Type::Null; }
  // A number, or NaN for null (how compare.json writes undefined values).
  [[nodiscard]] double number_or_nan() const {
    if (type == Type::Null) return std::numeric_limits<double>::quiet_NaN();
    if (type != Type::Number) throw std::runtime_error("not a number");
    return number;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  Json document() {
    Json v = value();
    skip_space();
    if (pos_ != text_.size()) fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(pos_));
  }
  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  void expect(char c) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  Json value() {
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end");
    Json v;
    const char c = text_[pos_];
    if (c == '{') {
      v.type = Json::Type::Object;
      ++pos_;
      skip_space();
      if (consume("}")) return v;
      do {
        skip_space();
        const std::string key = string();
        expect(':');
        if (v.members.count(key) != 0) fail("duplicate key " + key);
        v.keys.push_back(key);
        v.members[key] = value();
        skip_space();
      } while (consume(","));
      expect('}');
    } else if (c == '[') {
      v.type = Json::Type::Array;
      ++pos_;
      skip_space();
      if (consume("]")) return v;
      do {
        v.items.push_back(value());
        skip_space();
      } while (consume(","));
      expect(']');
    } else if (c == '"') {
      v.type = Json::Type::String;
      v.text = string();
    } else if (consume("null")) {
      v.type = Json::Type::Null;
    } else if (consume("true")) {
      v.type = Json::Type::Bool;
      v.boolean = true;
    } else if (consume("false")) {
      v.type = Json::Type::Bool;
    } else {
      v.type = Json::Type::Number;
      const std::size_t start = pos_;
      while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0 ||
                                     std::string_view("+-.eE").find(text_[pos_]) != std::string_view::npos)) {
        ++pos_;
      }
      const std::string number(text_.substr(start, pos_ - start));
      char* end = nullptr;
      v.number = std::strtod(number.c_str(), &end);
      if (number.empty() || end != number.c_str() + number.size()) fail("bad number \"" + number + "\"");
    }
    return v;
  }

  std::string string() {
    if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c == '\\') {
        if (pos_ >= text_.size()) fail("unfinished escape");
        c = text_[pos_++];
        switch (c) {
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case '"':
          case '\\':
          case '/':
            out += c;
            break;
          case 'u': {
            if (pos_ + 4 > text_.size()) fail("short \\u escape");
            const auto code = std::stoul(std::string(text_.substr(pos_, 4)), nullptr, 16);
            pos_ += 4;
            if (code >= 0x80) fail("tests only expect ASCII \\u escapes");
            out += static_cast<char>(code);
            break;
          }
          default:
            fail("bad escape");
        }
      } else {
        out += c;
      }
    }
    if (pos_ >= text_.size()) fail("unterminated string");
    ++pos_;
    return out;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

inline Json parse_json(std::string_view text) { return JsonReader(text).document(); }

}  // namespace partnersim::testing
