// The parser refuses documents whose shape no scenario has: alias bombs and deep nesting
// (sim/scenario/yaml_reader.h), with a clear error instead of exhausting memory or stack.
#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/parser.h"
#include "sim/scenario/yaml_reader.h"

namespace partnersim {
namespace {

std::string refusal(const std::string& text) {
  try {
    (void)parse_scenario(text, "limits.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(accepted)";
}

// n levels of flow lists around one value.
std::string nested(int n) {
  return std::string(static_cast<std::size_t>(n), '[') + "1" + std::string(static_cast<std::size_t>(n), ']');
}

TEST(DocumentLimits, NestingDeeperThanTheLimitIsRefusedAtItsPosition) {
  const std::string message = refusal("metadata:\n  name: deep\n  sources: " + nested(100) + "\n");
  EXPECT_NE(message.find("nests deeper than 64 levels"), std::string::npos) << message;
  EXPECT_NE(message.find("limits.yaml:3:"), std::string::npos) << message;
  // Shallower nesting passes the shape check and meets the ordinary type errors.
  const std::string typed = refusal("metadata:\n  name: deep\n  sources: " + nested(10) + "\n");
  EXPECT_EQ(typed.find("nests deeper"), std::string::npos) << typed;
}

TEST(DocumentLimits, NestingTooDeepForTheYamlLibraryIsAnErrorNotACrash) {
  const std::string message = refusal("metadata: " + nested(100000) + "\n");
  EXPECT_NE(message.find("limits.yaml"), std::string::npos) << message;
  EXPECT_NE(message.find("invalid YAML"), std::string::npos) << message;
}

TEST(DocumentLimits, AnAliasBombIsRefusedBeforeItIsExpanded) {
  // Nine lines whose aliases expand to 10^9 strings.
  std::string text = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int k = 1; k < 9; ++k) {
    text += "x" + std::to_string(k) + ": &a" + std::to_string(k) + " [";
    for (int i = 0; i < 10; ++i) text += (i > 0 ? ", *a" : "*a") + std::to_string(k - 1);
    text += "]\n";
  }
  text += "metadata:\n  name: bomb\n  sources: *a8\n";
  const std::string message = refusal(text);
  EXPECT_NE(message.find("alias bomb"), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(scenario_detail::max_expanded_nodes(text.size()))), std::string::npos)
      << message;
}

TEST(DocumentLimits, AliasesWithinReasonAreAccepted) {
  // An anchor reused a few times expands to about what it would be written out.
  const std::string message = refusal(
      "metadata:\n  name: reuse\n  sources: &s [a, b]\n"
      "start: 2012-01\nsteps: 2\nreplicates: 1\noutput: {tie_snapshot_every: 1}\nextra: [*s, *s, *s]\n");
  EXPECT_EQ(message.find("alias bomb"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key \"extra\""), std::string::npos) << message;
}

// yaml-cpp 0.7 loops for ever on these (found by the fuzzer; jbeder/yaml-cpp#1040).
TEST(DocumentLimits, AStrayCommaAtTheTopLevelIsAnErrorNotAHang) {
  for (const std::string text : {",\n", "[a] ,\n", "\"x\" ,\n", "{a: b} ,\n", "# comment\n,x# more\nseed: 1\n"}) {
    const std::string message = refusal(text);
    EXPECT_NE(message.find("invalid YAML"), std::string::npos) << text << ": " << message;
    EXPECT_NE(message.find("limits.yaml:"), std::string::npos) << text << ": " << message;
  }
}

}  // namespace
}  // namespace partnersim
