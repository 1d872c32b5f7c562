#include <gtest/gtest.h>

#include "sim/clock.h"

namespace partnersim {
namespace {

TEST(YearMonth, ParsesWellFormedMonths) {
  const auto m = YearMonth::parse("2013-06");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->year, 2013);
  EXPECT_EQ(m->month, 6);
  EXPECT_EQ(m->str(), "2013-06");
}

TEST(YearMonth, RejectsMalformedMonths) {
  for (const char* bad : {"2013-13", "2013-00", "2013-6", "13-06", "2013/06", "2013-06-01", "", "abcd-ef", "201a-06"}) {
    EXPECT_FALSE(YearMonth::parse(bad).has_value()) << bad;
  }
}

TEST(YearMonth, OrdersAsDates) {
  EXPECT_LT((YearMonth{2012, 9}), (YearMonth{2013, 6}));
  EXPECT_LT((YearMonth{2012, 12}), (YearMonth{2013, 1}));
  EXPECT_EQ(YearMonth::from_index(YearMonth{2015, 4}.index()), (YearMonth{2015, 4}));
}

TEST(Clock, MapsMonthsToStepsAcrossYearBoundaries) {
  const Clock clock({2012, 1}, 48);
  EXPECT_EQ(clock.step_of({2012, 1}), 0);
  EXPECT_EQ(clock.step_of({2013, 6}), 17);
  EXPECT_EQ(clock.step_of({2015, 4}), 39);
  EXPECT_EQ(clock.month_of(17).str(), "2013-06");
  EXPECT_EQ(clock.last().str(), "2015-12");
  EXPECT_TRUE(clock.in_run({2015, 12}));
  EXPECT_FALSE(clock.in_run({2016, 1}));
}

TEST(Clock, DatesBeforeTheStartAreNegativeSteps) {
  const Clock clock({2012, 1}, 12);
  EXPECT_EQ(clock.step_of({2011, 3}), -10);
  EXPECT_EQ(clock.month_of(-10).str(), "2011-03");
  EXPECT_FALSE(clock.in_run({2011, 12}));
}

}  // namespace
}  // namespace partnersim
