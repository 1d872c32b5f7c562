// The dictionary behind the event log's coded kind and note columns.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/output/string_dictionary.h"

namespace partnersim::h5 {
namespace {

std::vector<std::string> unwritten_of(const StringDictionary& d) {
  return {d.unwritten().begin(), d.unwritten().end()};
}

TEST(StringDictionary, CodesFollowFirstAppearanceAndRepeatForTheSameString) {
  StringDictionary d;
  EXPECT_EQ(d.code(""), 0U);
  EXPECT_EQ(d.code("Spółdzielnia"), 1U);
  EXPECT_EQ(d.code(""), 0U);
  EXPECT_EQ(d.code("transfer"), 2U);
  EXPECT_EQ(d.code("Spółdzielnia"), 1U);
  EXPECT_EQ(d.size(), 3U);
  EXPECT_EQ(d.text(1), "Spółdzielnia");
  // Strings that differ only past an embedded zero byte are different strings.
  EXPECT_EQ(d.code(std::string("a\0b", 3)), 3U);
  EXPECT_EQ(d.code(std::string("a\0c", 3)), 4U);
}

TEST(StringDictionary, UnwrittenHoldsTheStringsAddedSinceTheLastWrite) {
  StringDictionary d;
  d.code("a");
  d.code("b");
  EXPECT_EQ(unwritten_of(d), (std::vector<std::string>{"a", "b"}));
  d.mark_written();
  EXPECT_TRUE(d.unwritten().empty());
  d.code("a");
  EXPECT_TRUE(d.unwritten().empty());
  d.code("c");
  EXPECT_EQ(unwritten_of(d), (std::vector<std::string>{"c"}));
  EXPECT_EQ(d.written(), 2U);
}

TEST(StringDictionary, LoadedStringsKeepTheirCodesAndCountAsWritten) {
  StringDictionary d;
  d.code("stale");
  ASSERT_TRUE(d.load({"", "grant", "Żółw"}));
  EXPECT_EQ(d.size(), 3U);
  EXPECT_TRUE(d.unwritten().empty());
  EXPECT_EQ(d.code("Żółw"), 2U);
  EXPECT_EQ(d.code("stale"), 3U);  // forgotten by load, so new
  EXPECT_EQ(unwritten_of(d), (std::vector<std::string>{"stale"}));
}

TEST(StringDictionary, LoadRefusesARepeatedString) {
  StringDictionary d;
  EXPECT_FALSE(d.load({"a", "b", "a"}));
  EXPECT_EQ(d.size(), 0U);
  EXPECT_EQ(d.code("b"), 0U);
}

}  // namespace
}  // namespace partnersim::h5
