// exec: knockd's Start_Command and Stop_Command as a backend. The start command runs on
// every completed sequence; a door with a stop command for the knocker's family makes a
// grant, closed by its stop command after open_for (knockd's Cmd_Timeout) or on the
// close sequence; a door without one is not tracked. %IP% becomes the knocking address
// (expand_command). Commands run in the background, each in its own process
// (CommandPool), as knockd runs them: a slow one delays no other door; open and close
// report success once the command started, and its outcome is logged when it ends.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "daemon/helper/backend.h"
#include "daemon/helper/command_pool.h"

namespace sesame {

// The argv a door's start (or stop) command runs for `source`; nullopt when the door
// has none for that address family.
std::optional<std::vector<std::string>> exec_start_argv(const ConfigDoor& door, const Address& source);
std::optional<std::vector<std::string>> exec_stop_argv(const ConfigDoor& door, const Address& source);

class ExecBackend final : public Backend {
 public:
  ExecBackend(const Config& config, const Log& log) : Backend(config, log), pool_(log) {}
  // Every door's start and stop commands.
  std::vector<std::string> programs() const override;
  bool tracks(std::size_t door, const Address& source) const override;
  bool open(std::size_t door, const GrantRecord& record, std::optional<std::uint32_t> seconds) override;
  bool close(std::size_t door, const GrantRecord& record) override;
  // Runs the stop command of the current config's door with the record's name.
  void close_leftover(const GrantRecord& record) override;
  void stop(bool keep) override;
  void reap() override { pool_.reap(); }
  std::optional<std::uint64_t> next_deadline_in() const override { return pool_.next_deadline_in(); }

 private:
  // One grant's commands run in order: its start before its stop. Each is killed after
  // config door `door`'s command_timeout.
  bool run_door_command(std::size_t door, std::vector<std::string> argv, const GrantRecord& record);

  CommandPool pool_;
};

}  // namespace sesame
