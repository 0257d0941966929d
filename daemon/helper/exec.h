// exec: knockd's Start_Command and Stop_Command as a backend. The start command runs on
// every completed sequence; a door with a stop command for the knocker's family makes a
// grant, closed by its stop command after open_for (knockd's Cmd_Timeout) or on the
// close sequence; a door without one is not tracked. %IP% becomes the knocking address
// (expand_command); commands run as argv, never through a shell.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "daemon/helper/backend.h"

namespace sesame {

// The argv a door's start (or stop) command runs for `source`; nullopt when the door
// has none for that address family.
std::optional<std::vector<std::string>> exec_start_argv(const ConfigDoor& door, const Address& source);
std::optional<std::vector<std::string>> exec_stop_argv(const ConfigDoor& door, const Address& source);

class ExecBackend final : public Backend {
 public:
  ExecBackend(const Config& config, const Log& log) : Backend(config, log) {}
  // Every door's start and stop commands.
  std::vector<std::string> programs() const override;
  bool tracks(std::size_t door, const Address& source) const override;
  bool open(std::size_t door, const GrantRecord& record, std::optional<std::uint32_t> seconds) override;
  bool close(std::size_t door, const GrantRecord& record) override;
  // Runs the stop command of the current config's door with the record's name.
  void close_leftover(const GrantRecord& record) override;
};

}  // namespace sesame
