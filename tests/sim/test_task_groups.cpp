#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/task_groups.h"

namespace partnersim {
namespace {

using Groups = std::vector<std::vector<std::uint32_t>>;

Groups group(const std::vector<std::vector<std::uint32_t>>& items_per_task, std::size_t items) {
  return groups_sharing_items(items_per_task.size(), items, [&](std::uint32_t t, auto&& name) {
    for (const std::uint32_t item : items_per_task[t]) name(item);
  });
}

TEST(TaskGroups, TasksWithoutCommonItemsRunApartInTaskOrder) {
  EXPECT_EQ(group({{0, 1}, {2}, {}, {3, 4}}, 5), (Groups{{0}, {1}, {2}, {3}}));
}

TEST(TaskGroups, TasksSharingAnItemShareAGroupInTaskOrder) {
  // 0 and 3 share item 7; 1 and 2 share item 2; 4 is alone.
  EXPECT_EQ(group({{7, 1}, {2}, {5, 2}, {7}, {9}}, 10), (Groups{{0, 3}, {1, 2}, {4}}));
}

TEST(TaskGroups, SharingIsTransitiveWhateverTheOrderTheItemsAreMet) {
  // 0 and 2 meet through item 1, 1 and 2 through item 3: all three together, though 0 and
  // 1 share nothing, and 2 joins the later-started group first.
  EXPECT_EQ(group({{1}, {3}, {3, 1}, {4}}, 5), (Groups{{0, 1, 2}, {3}}));
  // Chains that close late still merge every group on the way.
  EXPECT_EQ(group({{0}, {1}, {2}, {3}, {0, 3}, {1, 2}, {2, 3}}, 4), (Groups{{0, 1, 2, 3, 4, 5, 6}}));
}

TEST(TaskGroups, AnItemNamedTwiceByOneTaskKeepsItAlone) {
  EXPECT_EQ(group({{4, 4, 4}, {5}}, 6), (Groups{{0}, {1}}));
  EXPECT_TRUE(group({}, 3).empty());
}

}  // namespace
}  // namespace partnersim
