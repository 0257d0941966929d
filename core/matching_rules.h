// MatchingRules: which knock rules the matcher applies (core/matcher.h): knockd 0.8's
// exactly, or those plus the rules that keep scans, retransmits and spoofed first
// knocks from breaking or opening a knock.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/enum_names.h"

namespace sesame {

enum class MatchingRules : std::uint8_t {
  kRobust,  // R1-R7 with R8-R10 (the default)
  kKnockd,  // R1-R7 only: what knockd 0.8 does, for the differential test and old habits
};

inline constexpr std::array<EnumName<MatchingRules>, 2> kMatchingRulesNames{{
    {MatchingRules::kRobust, "robust"},
    {MatchingRules::kKnockd, "knockd"},
}};

static_assert(names_in_value_order(kMatchingRulesNames),
              "kMatchingRulesNames must list every MatchingRules in value order");

constexpr std::string_view matching_rules_name(MatchingRules r) {
  return enum_name(kMatchingRulesNames, r);
}

constexpr std::optional<MatchingRules> matching_rules_from_name(std::string_view name) {
  return enum_from_name(kMatchingRulesNames, name);
}

}  // namespace sesame
