// Privilege drop through libcap-ng, then a check of the result from scratch.
#include "daemon/sys/privdrop.h"

#include <cap-ng.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "core/str_cat.h"

namespace sesame {
namespace {

std::expected<void, SysError> verify(const RunAs& user) {
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0)
    return std::unexpected(sys_error("getresuid"));
  if (ruid != user.uid || euid != user.uid || suid != user.uid || rgid != user.gid ||
      egid != user.gid || sgid != user.gid)
    return std::unexpected(SysError{str_cat("still running with other ids than ", user.name), 0});
  if (getgroups(0, nullptr) != 0)
    return std::unexpected(SysError{"supplementary groups left after the drop", 0});
  // Read back from the kernel, not from libcap-ng's idea of what it applied.
  capng_clear(CAPNG_SELECT_ALL);
  if (capng_get_caps_process() != 0) return std::unexpected(sys_error("capng_get_caps_process"));
  if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
    return std::unexpected(SysError{"capabilities left in the effective or permitted set", 0});
  if (capng_have_capabilities(CAPNG_SELECT_BOUNDS) != CAPNG_NONE)
    return std::unexpected(SysError{"capabilities left in the bounding set", 0});
  if (capng_have_capabilities(CAPNG_SELECT_AMBIENT) != CAPNG_NONE)
    return std::unexpected(SysError{"capabilities left in the ambient set", 0});
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
    return std::unexpected(SysError{"no_new_privs is not set", 0});
  if (setuid(0) == 0 || seteuid(0) == 0)
    return std::unexpected(SysError{"could become root again after the drop", 0});
  return {};
}

}  // namespace

std::expected<RunAs, SysError> look_up_user(const std::string& name) {
  errno = 0;
  const passwd* pw = getpwnam(name.c_str());
  if (pw == nullptr) {
    if (errno != 0) return std::unexpected(sys_error(str_cat("getpwnam(", name, ")")));
    return std::unexpected(SysError{str_cat("user '", name, "' does not exist (create it, or choose one with -u)"), 0});
  }
  if (pw->pw_uid == 0)
    return std::unexpected(SysError{str_cat("user '", name, "' is root; sesamed must run as an unprivileged user"), 0});
  const RunAs user{name, pw->pw_uid, pw->pw_gid};
  // Every group the account is in, as initgroups would set them.
  std::vector<gid_t> groups(64);
  int count = static_cast<int>(groups.size());
  if (getgrouplist(name.c_str(), user.gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    getgrouplist(name.c_str(), user.gid, groups.data(), &count);
  }
  groups.resize(static_cast<std::size_t>(std::max(count, 0)));
  if (auto refusal = root_group_refusal(name, user.gid, groups)) return std::unexpected(*refusal);
  return user;
}

std::optional<SysError> root_group_refusal(const std::string& name, gid_t gid, std::span<const gid_t> groups) {
  if (gid == 0)
    return SysError{str_cat("user '", name, "' has group 0 (root) as its primary group; give sesamed's user a "
                            "group of its own"),
                    0};
  if (std::ranges::find(groups, gid_t{0}) != groups.end())
    return SysError{str_cat("user '", name, "' is in group 0 (root); take it out (gpasswd -d ", name, " root)"), 0};
  return std::nullopt;
}

std::optional<std::string> shared_account_warning(const RunAs& user) {
  if (user.name != "nobody" && user.uid != 65534) return std::nullopt;
  return str_cat("warning: user '", user.name, "' (uid ", std::to_string(user.uid),
                 ") is shared by other services; a compromised sniffer could signal or trace their processes, "
                 "and they its: give sesamed a user of its own (the package's is 'sesame')");
}

std::expected<void, SysError> drop_privileges(const RunAs& user) {
  capng_clear(CAPNG_SELECT_ALL);
  const int r = capng_change_id(static_cast<int>(user.uid), static_cast<int>(user.gid),
                                static_cast<capng_flags_t>(CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING |
                                                           CAPNG_CLEAR_AMBIENT));
  if (r != 0)
    return std::unexpected(SysError{str_cat("capng_change_id to ", user.name, " failed (libcap-ng step ",
                                            std::to_string(r), ")"),
                                    errno});
  // Nothing this process execs may gain privileges, setuid binaries and file
  // capabilities included.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return std::unexpected(sys_error("prctl(PR_SET_NO_NEW_PRIVS)"));
  return verify(user);
}

std::expected<void, SysError> limit_capabilities(std::span<const int> keep) {
  capng_clear(CAPNG_SELECT_ALL);
  for (int cap : keep)
    if (capng_update(CAPNG_ADD, static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET),
                     static_cast<unsigned>(cap)) != 0)
      return std::unexpected(SysError{str_cat("capng_update(", std::to_string(cap), ") failed"), 0});
  if (capng_apply(CAPNG_SELECT_ALL) != 0)
    return std::unexpected(sys_error("capng_apply (limiting the helper's capabilities)"));
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return std::unexpected(sys_error("prctl(PR_SET_NO_NEW_PRIVS)"));
  return {};
}

}  // namespace sesame
