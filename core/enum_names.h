// names_in_value_order: the check that lets an enum's one table of names be indexed by value.
#pragma once

#include <array>
#include <cstddef>

namespace sesame {

// True if entry i of `names` ({value, name} pairs) holds value i and a name, so that
// names[static_cast<std::size_t>(value)] is the value's name. For static_assert.
template <class Entry, std::size_t N>
constexpr bool names_in_value_order(const std::array<Entry, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    const auto& [value, name] = names[i];
    if (static_cast<std::size_t>(value) != i || name.empty()) return false;
  }
  return true;
}

}  // namespace sesame
