// Config's derived views: the matcher's door list and the one-line summary.
#include "core/config/config.h"

#include <algorithm>

#include "core/config/config_values.h"
#include "core/str_cat.h"

namespace sesame {

const CommandTemplate* ExecCommands::start_for(bool ipv6) const {
  const auto& c = ipv6 && start6 ? start6 : start;
  return c && !c->argv.empty() ? &*c : nullptr;
}

const CommandTemplate* ExecCommands::stop_for(bool ipv6) const {
  if (!start_for(ipv6)) return nullptr;
  const auto& c = ipv6 && stop6 ? stop6 : stop;
  return c && !c->argv.empty() ? &*c : nullptr;
}

MatcherDoors matcher_doors(const Config& config) {
  MatcherDoors out;
  out.rules = config.matching;
  for (std::size_t i = 0; i < config.doors.size(); ++i) {
    const ConfigDoor& d = config.doors[i];
    if (d.spa) continue;
    out.doors.push_back(d.door);
    out.origins.push_back({i, DoorAction::kOpen});
    if (d.close_sequence.empty()) continue;
    Door close = d.door;
    close.name += str_cat("/", door_action_name(DoorAction::kClose));
    // A disabled door's close door stays (closing nothing), so no index moves.
    close.sequence = d.disabled ? std::vector<KnockStep>{} : d.close_sequence;
    out.doors.push_back(std::move(close));
    out.origins.push_back({i, DoorAction::kClose});
  }
  return out;
}

std::string door_summary(const Config& config) {
  const std::size_t n = config.doors.size();
  std::string out = std::to_string(n) + (n == 1 ? " door" : " doors");
  for (std::size_t i = 0; i < n; ++i) {
    const ConfigDoor& d = config.doors[i];
    if (d.disabled) {
      out += str_cat(i == 0 ? ": " : "; ", d.door.name, " disabled");
      continue;
    }
    out += str_cat(i == 0 ? ": " : "; ", d.door.name, " ",
                   d.spa ? str_cat("spa ", std::to_string(d.spa->port), "/udp") : format_sequence(d.door.sequence));
    if (!d.close_sequence.empty()) out += str_cat(" close ", format_sequence(d.close_sequence));
  }
  return out;
}

void disable_door(ConfigDoor& door, ConfigError why) {
  door.door.sequence.clear();
  door.disabled = std::move(why);
}

std::string disabled_reason(const ConfigDoor& door) {
  if (!door.disabled) return {};
  std::string why = format_config_error(*door.disabled);
  why.resize(why.find('\n'));
  return why;
}

std::string disabled_doors_summary(const Config& config) {
  std::string out;
  std::size_t n = 0;
  for (const ConfigDoor& d : config.doors)
    if (d.disabled) out += str_cat(n++ ? "; " : "", d.door.name, " (", disabled_reason(d), ")");
  if (n == 0) return out;
  return str_cat(std::to_string(n), n == 1 ? " door disabled: " : " doors disabled: ", out);
}

std::size_t working_doors(const Config& config) {
  return static_cast<std::size_t>(std::ranges::count_if(config.doors, [](const ConfigDoor& d) { return !d.disabled; }));
}

}  // namespace sesame
