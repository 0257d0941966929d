// The exec backend: a door's own commands, as argv, each in its own process (CommandPool).
#include "daemon/helper/exec.h"

#include "core/config/command_template.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

std::optional<std::vector<std::string>> expanded(const CommandTemplate* command, const Address& source) {
  if (!command) return std::nullopt;
  return expand_command(*command, source);
}

}  // namespace

std::optional<std::vector<std::string>> exec_start_argv(const ConfigDoor& door, const Address& source) {
  return expanded(door.exec.start_for(!source.is_v4()), source);
}

std::optional<std::vector<std::string>> exec_stop_argv(const ConfigDoor& door, const Address& source) {
  return expanded(door.exec.stop_for(!source.is_v4()), source);
}

bool ExecBackend::tracks(std::size_t door, const Address& source) const {
  return exec_stop_argv(config_.doors[door], source).has_value();
}

bool ExecBackend::open(std::size_t door, const GrantRecord& record, std::optional<std::uint32_t>) {
  auto argv = exec_start_argv(config_.doors[door], record.source);
  if (!argv) {
    log_.line(str_cat(record.source.to_string(), ": ", record.door, ": no start command for this address family"));
    return false;
  }
  return run_door_command(door, std::move(*argv), record);
}

bool ExecBackend::run_door_command(std::size_t door, std::vector<std::string> argv, const GrantRecord& record) {
  return pool_.run(std::move(argv), record.door, str_cat(record.door, " ", record.source.to_string()),
                   std::chrono::seconds(config_.doors[door].exec.timeout));
}

void ExecBackend::stop(bool) { pool_.drain(); }

std::vector<std::string> ExecBackend::programs() const {
  std::vector<std::string> out;
  for (const ConfigDoor& d : config_.doors)
    if (!d.disabled)
      for (const auto* c : {&d.exec.start, &d.exec.start6, &d.exec.stop, &d.exec.stop6})
      if (*c && !(*c)->argv.empty()) out.push_back((*c)->argv[0]);
  return out;
}

bool ExecBackend::close(std::size_t door, const GrantRecord& record) {
  auto argv = exec_stop_argv(config_.doors[door], record.source);
  return !argv || run_door_command(door, std::move(*argv), record);
}

void ExecBackend::close_leftover(const GrantRecord& record) {
  for (std::size_t i = 0; i < config_.doors.size(); ++i)
    if (config_.doors[i].door.name == record.door) {
      if (!exec_stop_argv(config_.doors[i], record.source))
        log_.line(str_cat("warning: ", record.source.to_string(), ": door ", record.door,
                          " has no stop command now; what its start command did stays, check by hand"));
      close(i, record);
      // Done before the helper goes on: the journal forgets the grant right after, and
      // --close-leftovers exits (which would kill a command still queued).
      pool_.drain();
      return;
    }
  log_.line(str_cat("warning: ", record.source.to_string(), ": door ", record.door,
                    " is no longer in the config, so its stop command cannot run; what its start command did "
                    "stays, check by hand"));
}

}  // namespace sesame
