// build_ruleset: config to matcher and filter, one source of truth for both.
#include "daemon/sniffer/ruleset.h"

#include "core/str_cat.h"

namespace sesame {

std::expected<std::shared_ptr<const Ruleset>, std::string> build_ruleset(
    Config config, std::span<const Interface> interfaces, bool ipv4_only, ConfigGeneration generation) {
  MatcherDoors doors = matcher_doors(config);
  std::vector<Address> local = local_addresses(interfaces);
  auto matcher = Matcher::build(doors.doors, local);
  if (!matcher) return std::unexpected(str_cat("doors: ", matcher.error().message));
  auto filter = knock_filter(doors.doors, local, ipv4_only);
  if (!filter) return std::unexpected(str_cat("kernel filter: ", filter.error().message));
  return std::make_shared<const Ruleset>(Ruleset{std::move(config), std::move(doors), std::move(local),
                                                 std::move(*matcher), std::move(*filter), generation});
}

}  // namespace sesame
