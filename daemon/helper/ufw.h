// ufw: the rule that opens one port to one knocking address, and the commands that
// add and delete it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/door.h"

namespace sesame {

struct UfwRule {
  Address source;
  KnockStep port;    // protocol and port opened to source
  std::string door;  // the config door's name, kept as the rule's comment
  friend bool operator==(const UfwRule&, const UfwRule&) = default;
};

// ufw prepend allow from SOURCE to any port P proto PROTO comment 'sesame DOOR':
// prepend puts it first among the rules of its address family (insert 1 fails for
// IPv6 rules when the first rule is IPv4).
std::vector<std::string> ufw_open_argv(const UfwRule& rule);
// ufw delete allow from SOURCE to any port P proto PROTO: ufw matches rules without
// their comment, and reports a rule that is already gone without failing.
std::vector<std::string> ufw_close_argv(const UfwRule& rule);

// One journal line, "SOURCE PORT/PROTO DOOR" (no newline), and back; nullopt for a
// line that is not one.
std::string format_ufw_rule(const UfwRule& rule);
std::optional<UfwRule> parse_ufw_rule(std::string_view line);

}  // namespace sesame
