// Groups of tasks that can run side by side: tasks that name a common item (directly, or
// through a chain of other tasks) fall in one group, whose tasks then run one after another
// in task order. Groups of such tasks touch disjoint items, so running the groups in
// parallel and replaying the tasks' outcomes in task order gives what running every task in
// order gives.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

namespace partnersim {

// items_of(task, name) calls name(item) for each item (< items) the task may read or write.
// Returns the groups in the order of their first task, each group's tasks in order.
template <typename ItemsOf>
std::vector<std::vector<std::uint32_t>> groups_sharing_items(std::size_t tasks, std::size_t items, ItemsOf&& items_of) {
  // Union-find over tasks, each root the group's first task.
  std::vector<std::uint32_t> parent(tasks);
  std::iota(parent.begin(), parent.end(), 0U);
  auto find = [&parent](std::uint32_t t) {
    while (parent[t] != t) t = parent[t] = parent[parent[t]];
    return t;
  };
  std::vector<std::int32_t> task_of_item(items, -1);  // a task naming the item
  for (std::uint32_t t = 0; t < tasks; ++t) {
    items_of(t, [&](std::uint32_t item) {
      std::int32_t& first = task_of_item[item];
      if (first < 0) {
        first = static_cast<std::int32_t>(t);
        return;
      }
      const std::uint32_t a = find(t);
      const std::uint32_t b = find(static_cast<std::uint32_t>(first));
      parent[std::max(a, b)] = std::min(a, b);
    });
  }
  std::vector<std::vector<std::uint32_t>> groups;
  std::vector<std::int32_t> group_of_root(tasks, -1);
  for (std::uint32_t t = 0; t < tasks; ++t) {
    std::int32_t& g = group_of_root[find(t)];
    if (g < 0) {
      g = static_cast<std::int32_t>(groups.size());
      groups.emplace_back();
    }
    groups[static_cast<std::size_t>(g)].push_back(t);
  }
  return groups;
}

}  // namespace partnersim
