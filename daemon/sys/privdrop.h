// Privilege drop: from root with every capability to an unprivileged user with none,
// for good (bounding and ambient sets cleared, no_new_privs set).
#pragma once

#include <sys/types.h>

#include <expected>
#include <optional>
#include <span>
#include <string>

#include "daemon/sys/sys_error.h"

namespace sesame {

struct RunAs {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// The account `name` from the passwd database. Fails if it does not exist, is root
// (uid 0 would keep the power to take every capability back), or is in group 0 as its
// primary or a supplementary group (root's group owns files root means for itself).
std::expected<RunAs, SysError> look_up_user(const std::string& name);

// The refusal for a user whose primary group `gid` or one of `groups` is 0; nullopt
// if neither is.
std::optional<SysError> root_group_refusal(const std::string& name, gid_t gid, std::span<const gid_t> groups);

// A warning for an account other services commonly share (nobody, uid 65534): what
// one of them can do to a process of that user, a compromised sniffer could do to
// them. Nullopt for an account of its own.
std::optional<std::string> shared_account_warning(const RunAs& user);

// Switches the whole process to `user` (uid, gid, no supplementary groups) and clears
// every capability set, bounding and ambient included, then sets PR_SET_NO_NEW_PRIVS.
// Call it while the process has one thread: capabilities are per thread. Then checks
// the result (ids, empty sets, no_new_privs, and that setuid(0) fails) and fails,
// naming what is left, if any check does not hold.
std::expected<void, SysError> drop_privileges(const RunAs& user);

// For sesame-helper, which stays root because ufw insists on uid 0: keeps only the
// capabilities `keep` (CAP_* numbers) in the effective, permitted and bounding sets, so
// that the programs it runs get no more, clears the ambient set and sets
// PR_SET_NO_NEW_PRIVS. Fails, naming the step, if libcap-ng cannot apply it.
std::expected<void, SysError> limit_capabilities(std::span<const int> keep);

}  // namespace sesame
