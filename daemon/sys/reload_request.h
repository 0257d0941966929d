// A reload whose outcome the asker learns: `sesame reload PID` (the unit's
// ExecReload) sends sesamed SIGHUP with sigqueue and a token, and sesamed answers with
// a signal. It needs no CAP_KILL: the asker takes sesamed's user first, and sesamed
// answers a process of its own user.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <expected>
#include <string>

#include "daemon/sys/sys_error.h"

namespace sesame {

// The sigqueue value that asks for an answer; any other SIGHUP reloads silently.
inline constexpr int kReloadRequestToken = 0x5e5a3e;
inline constexpr int kReloadedSignal = SIGUSR1;
inline constexpr int kReloadRefusedSignal = SIGUSR2;

// Whether sesamed reloaded (true) or refused (false).
using ReloadOutcome = bool;

// Takes user `uid`/`gid` for good (setgroups, setresgid, setresuid), sends `pid`
// SIGHUP with the token and waits up to `timeout_s` for its answer. Fails when the
// signal cannot be sent, or no answer comes in time.
std::expected<ReloadOutcome, SysError> request_reload(pid_t pid, uid_t uid, gid_t gid, int timeout_s);

}  // namespace sesame
