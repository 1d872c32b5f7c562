// Runs the partnersim binary as a user would and captures what it says.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace partnersim::testing {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// A copy of the scenario `source` with `line` inserted before its top-level key `before`,
// written to `path`; returns the 1-based number of the inserted line (0 if `before` is missing).
inline int write_with_line_inserted(const std::filesystem::path& source, const std::string& before,
                                    const std::string& line, const std::filesystem::path& path) {
  std::string text = read_text(source);
  const auto pos = text.find("\n" + before + ":");
  if (pos == std::string::npos) return 0;
  text.insert(pos + 1, line + "\n");
  write_text(path, text);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos) + 1, '\n'));
}

// A fresh empty folder under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "partnersim-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// args are passed through the shell: quote anything with spaces.
// shell_prefix runs first in the same shell, e.g. "ulimit -f 16; ".
inline CliResult run_cli(const std::string& args, const std::string& shell_prefix = "") {
  TempDir io;
  const std::string out = io / "stdout";
  const std::string err = io / "stderr";
  // PARTNERSIM_CHECK=1: every run in the tests checks its invariants (as with --check).
  const std::string command = shell_prefix + "PARTNERSIM_CHECK=1 " + std::string(PARTNERSIM_BIN) + " " + args + " >" +
                              out + " 2>" + err + " </dev/null";
  const int status = std::system(command.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

inline std::string source_path(const std::string& relative) {
  return std::string(PARTNERSIM_SOURCE_DIR) + "/" + relative;
}

}  // namespace partnersim::testing
