// EnumName: an enum's one table of names, indexed by value, and the lookups every such
// table shares (value to name, name to value, the list of names for an error message).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sesame {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

// True if entry i of `names` holds value i and a name, so that enum_name can index the
// table by value. For the static_assert beside each table.
template <class E, std::size_t N>
constexpr bool names_in_value_order(const std::array<EnumName<E>, N>& names) {
  for (std::size_t i = 0; i < N; ++i)
    if (static_cast<std::size_t>(std::to_underlying(names[i].value)) != i || names[i].name.empty())
      return false;
  return true;
}

template <class E, std::size_t N>
constexpr std::string_view enum_name(const std::array<EnumName<E>, N>& names, E value) {
  return names[static_cast<std::size_t>(std::to_underlying(value))].name;
}

// Nullopt for a name the table does not hold.
template <class E, std::size_t N>
constexpr std::optional<E> enum_from_name(const std::array<EnumName<E>, N>& names,
                                          std::string_view name) {
  for (const EnumName<E>& n : names)
    if (n.name == name) return n.value;
  return std::nullopt;
}

// "a, b, c": the names in table order, for an error that lists the choices.
template <class E, std::size_t N>
std::string enum_choices(const std::array<EnumName<E>, N>& names) {
  std::string out;
  for (const EnumName<E>& n : names) {
    if (!out.empty()) out += ", ";
    out += n.name;
  }
  return out;
}

}  // namespace sesame
