// ufw: the rule that opens one port to one knocking address, the commands that add and
// delete it, and the backend made of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/door.h"
#include "daemon/helper/backend.h"

namespace sesame {

// ufw prepend allow from SOURCE to any port P proto PROTO comment 'sesame DOOR':
// prepend puts it first among the rules of its address family (insert 1 fails for
// IPv6 rules when the first rule is IPv4). If an identical rule exists already (an
// admin's, whatever its comment), ufw skips it and changes nothing.
std::vector<std::string> ufw_open_argv(const Address& source, KnockStep port, std::string_view door);
// The same rule with delete instead of prepend, comment included: ufw 0.36 deletes
// only a rule whose comment matches (without one it would delete the admin's
// identical rule too), and reports a rule that is already gone without failing.
std::vector<std::string> ufw_close_argv(const Address& source, KnockStep port, std::string_view door);

// One ufw rule per port of the grant; ufw's rules stay in place until deleted, so the
// backend has no lifetime of its own to enforce or renew.
class UfwBackend final : public Backend {
 public:
  UfwBackend(const Config& config, const Log& log) : Backend(config, log) {}
  std::vector<std::string> programs() const override { return {"ufw"}; }
  bool open(std::size_t door, const GrantRecord& record, std::optional<std::uint32_t> seconds) override;
  bool close(std::size_t door, const GrantRecord& record) override;
  void close_leftover(const GrantRecord& record) override;
};

}  // namespace sesame
