// sesame reload [-c FILE] PID: systemd's ExecReload. Sends sesamed SIGHUP and exits
// with its answer, so that `systemctl reload` fails when sesamed kept its running
// config. Runs in the unit's sandbox, without CAP_KILL: it takes sesamed's user first.
#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/config/config_error.h"
#include "daemon/cli/subcommands.h"
#include "daemon/sys/config_file.h"
#include "daemon/sys/privdrop.h"
#include "daemon/sys/reload_request.h"

namespace sesame::cli {
namespace {

// sesamed answers after its helper, which answers after the firewall commands it runs.
constexpr int kAnswerTimeoutSeconds = 60;

int usage() {
  std::fputs("usage: sesame reload [-c FILE] PID\n", stderr);
  return 2;
}

// sesamed's user: the owner of /proc/PID where it can be seen; under the unit's
// ProtectProc=invisible it cannot, and the config's user (the one sesamed dropped to,
// as a user change applies only at a restart) is taken.
std::expected<RunAs, std::string> sesamed_user(pid_t pid, const std::string& config_path) {
  struct stat st {};
  if (stat(("/proc/" + std::to_string(pid)).c_str(), &st) == 0) {
    if (st.st_uid == 0) return RunAs{.name = "root", .uid = 0, .gid = 0};
    return RunAs{.name = "", .uid = st.st_uid, .gid = st.st_gid};
  }
  auto parsed = load_config_file(config_path);
  if (!parsed) return std::unexpected(format_config_error(parsed.error()));
  auto user = look_up_user(parsed->config.user);
  if (!user) return std::unexpected(format_sys_error(user.error()));
  return *user;
}

}  // namespace

int reload(std::span<char* const> args) {
  std::string config_path = SESAME_CONFIG_PATH;
  std::size_t i = 0;
  if (args.size() == 3 && std::string_view(args[0]) == "-c") {
    config_path = args[1];
    i = 2;
  } else if (args.size() != 1) {
    return usage();
  }
  const std::string_view text = args[i];
  pid_t pid = 0;
  if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
      ec != std::errc() || end != text.data() + text.size() || pid <= 1)
    return usage();
  auto user = sesamed_user(pid, config_path);
  if (!user) {
    std::fprintf(stderr, "sesame reload: cannot tell sesamed's user: %s\n", user.error().c_str());
    return 1;
  }
  auto outcome = request_reload(pid, user->uid, user->gid, kAnswerTimeoutSeconds);
  if (!outcome) {
    std::fprintf(stderr, "sesame reload: %s\n", format_sys_error(outcome.error()).c_str());
    return 1;
  }
  if (!*outcome) {
    std::fputs("sesame reload: sesamed refused the reload and keeps its running config; its log says why\n",
               stderr);
    return 1;
  }
  std::puts("sesamed reloaded");
  return 0;
}

}  // namespace sesame::cli
