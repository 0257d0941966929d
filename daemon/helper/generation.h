// Generation: one reading of the config file in the helper: the config, the matcher
// doors the sniffer's door indices mean under it, and the backend made for it. The
// helper keeps the current one and the one before the last reload (for matches the
// sniffer made before it switched); open grants keep theirs alive (GrantRules).
#pragma once

#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "core/config/config.h"
#include "core/ipc.h"
#include "daemon/helper/backend.h"
#include "daemon/helper/grants.h"
#include "daemon/sys/log.h"

namespace sesame {

struct Generation {
  ConfigGeneration id = 0;
  Config config;
  MatcherDoors doors;
  std::unique_ptr<Backend> backend;  // made for `config`, which must not move: never copied
};

// Checks a parsed config (read from `config_path`) as the helper does, after the
// sniffer's checks: StrictModes (strict_modes_refusal), the backend's programs
// installed; and makes its backend. `log` must outlive the result. Fails with the reason.
std::expected<std::shared_ptr<const Generation>, std::string> make_generation(ParsedConfig parsed,
                                                                              const std::string& config_path,
                                                                              const std::string& state_dir,
                                                                              const Log& log);
// make_generation of the file at `config_path`, read again.
std::expected<std::shared_ptr<const Generation>, std::string> load_generation(const std::string& config_path,
                                                                              const std::string& state_dir,
                                                                              const Log& log);

// Why `next` cannot replace `running` without a restart, nullopt if it can: another
// firewall backend, or (nft, whose table is built once at start) other door ports.
std::optional<std::string> reload_refusal(const Generation& running, const Generation& next);

// The rules grants opened under `generation` keep, sharing its ownership.
std::shared_ptr<const GrantRules> grant_rules(const std::shared_ptr<const Generation>& generation);

}  // namespace sesame
