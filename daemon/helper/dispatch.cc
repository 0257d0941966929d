// The accepted requests, one row each. Every field is checked again here: the sniffer
// reads packets from the network and is trusted with nothing.
#include "daemon/helper/dispatch.h"

#include <algorithm>

#include <sys/socket.h>

#include <array>
#include <memory>
#include <optional>
#include <string_view>

#include "core/config/config_values.h"
#include "core/ipc.h"
#include "core/log_line_message.h"
#include "core/spa_open_message.h"
#include "core/one_time_update.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

// What a message made under `generation` is read with: the current generation's doors
// and rules (rules null: the Grants' own), or the previous one's.
struct Under {
  const MatcherDoors* doors = nullptr;
  const Config* config = nullptr;
  std::shared_ptr<const GrantRules> rules;
  bool current = true;
};

// Under for `generation`, or nullopt (logged, with `what` naming the message) when the
// helper holds neither generation: the message is then ignored, never read under
// another generation's numbering.
std::optional<Under> under_generation(ConfigGeneration generation, const HelperState& state, std::string_view what) {
  if (generation == state.generation) return Under{.doors = &state.doors, .config = state.config, .rules = {}};
  if (state.previous && generation == state.previous->id)
    return Under{.doors = state.previous->doors, .config = state.previous->rules->config,
                 .rules = state.previous->rules, .current = false};
  state.log.line(str_cat("warning: ", what, " under config generation ", std::to_string(generation),
                         ", which the helper does not hold (it has ", std::to_string(state.generation),
                         "), is ignored"));
  return std::nullopt;
}

bool handle_match(std::span<const std::uint8_t> message, HelperState& state) {
  auto report = decode_match(message);
  if (!report) {
    state.log.line(str_cat("error: sniffer sent a bad message (", ipc_reject_name(report.error()), ")"));
    return false;
  }
  const auto under = under_generation(report->generation, state, str_cat(report->source.to_string(), ": a match"));
  if (!under) return true;
  const MatcherDoors& doors = *under->doors;
  if (report->door >= doors.origins.size()) {
    state.log.line(str_cat("error: sniffer sent door ", std::to_string(report->door), ", the config has ",
                           std::to_string(doors.origins.size())));
    return false;
  }
  const MatcherDoorOrigin origin = doors.origins[report->door];
  if (doors.doors[report->door].sequence.empty()) {
    // The helper's own reading disabled this door (or its one-time file ran out).
    state.log.line(str_cat(doors.doors[report->door].name, ": not opened: the door is disabled"));
    return true;
  }
  if (origin.action == DoorAction::kClose) {
    state.grants.close(origin.config_door, report->source, under->rules);
    return true;
  }
  if (!under->current && !under->rules->config->doors[origin.config_door].one_time_sequences.empty()) {
    // Only the current generation's one-time doors know which line is in force; the
    // line stays unused, so the same knock opens under the new generation.
    state.log.line(str_cat(doors.doors[report->door].name, ": not opened: a one-time sequence matched under ",
                           "the config before the reload; knock again"));
    return true;
  }
  // A one-time door's line is marked used before the door opens: a crash in between
  // leaves it used and the door shut, never the other way round.
  OneTimeDoors::Admission admission{.open = true, .update = {}};
  if (state.one_time && under->current) admission = state.one_time->admit(report->door);
  if (admission.open) state.grants.open(origin.config_door, report->source, state.now, under->rules);
  if (admission.update) send_one_time_update(state.sniffer, *admission.update, state.log);
  return true;
}

bool handle_one_time_in_force(std::span<const std::uint8_t> message, HelperState& state) {
  auto answer = decode_one_time_in_force(message);
  if (!answer) {
    state.log.line(str_cat("error: sniffer sent a bad message (", ipc_reject_name(answer.error()), ")"));
    return false;
  }
  if (answer->generation != state.generation) {
    // An update of the generation before a reload, confirmed after it: the reload
    // restated every one-time door's sequence under the current generation.
    state.log.line(str_cat("warning: a one-time confirmation under config generation ",
                           std::to_string(answer->generation), ", not the current one (",
                           std::to_string(state.generation), "), is ignored"));
    return true;
  }
  if (!state.one_time || !state.one_time->in_force(*answer)) {
    state.log.line(str_cat("error: sniffer confirmed a one-time sequence the helper did not send (door ",
                           std::to_string(answer->door), ")"));
    return false;
  }
  return true;
}

// The sniffer decoded and checked the packet; the helper checks again everything its
// config (of the generation the message names) decides: an SPA door, ports it lists, a
// time it allows, a packet not seen.
bool handle_spa_open(std::span<const std::uint8_t> message, HelperState& state) {
  auto report = decode_spa_open(message);
  if (!report) {
    state.log.line(str_cat("error: sniffer sent a bad SPA message (", ipc_reject_name(report.error()), ")"));
    return false;
  }
  const auto under =
      under_generation(report->generation, state, str_cat(report->address.to_string(), ": an SPA open"));
  if (!under) return true;
  if (!under->config || !state.replays) {
    state.log.line("error: sniffer sent an SPA message, which this helper does not serve");
    return false;
  }
  const Config& config = *under->config;
  const auto refuse = [&](std::string_view why) {
    state.log.line(str_cat("error: sniffer asked to open SPA door ", std::to_string(report->door), " for ",
                           report->address.to_string(), ": ", why));
    return false;
  };
  if (report->door >= config.doors.size() || !config.doors[report->door].spa)
    return refuse("the config has no such SPA door");
  const ConfigDoor& door = config.doors[report->door];
  for (const KnockStep& p : report->ports)
    if (std::ranges::find(door.open_ports, p) == door.open_ports.end())
      return refuse(str_cat("port ", std::to_string(p.port), "/", protocol_name(p.protocol), " is not the door's"));
  const std::uint32_t longest = std::max(door.open_for.value_or(0), door.spa->max_open_for);
  if (report->seconds == 0 || report->seconds > longest)
    return refuse(str_cat(std::to_string(report->seconds), "s is not 1s to ", std::to_string(longest), "s"));
  const std::string who = str_cat(report->address.to_string(), ": ", door.door.name);
  if (state.replays->seen(report->digest, state.now.unix_s)) {
    state.log.line(str_cat(who, ": refused, a replayed SPA packet"));
    return true;
  }
  // On disk before the firewall opens: a crash in between costs a packet, never a replay.
  // The sniffer's deadline, but never past what the door's age window can need: a
  // compromised sniffer cannot fill the file with entries that never expire.
  const std::int64_t until =
      std::min(report->replay_until, state.now.unix_s + 2 * std::int64_t{door.spa->max_age} + 1);
  if (auto ok = state.replays->record(report->digest, until, state.now.unix_s); !ok) {
    state.log.line(str_cat(who, ": not opened, ", format_sys_error(ok.error())));
    return true;
  }
  state.log.line(str_cat(who, ": SPA packet accepted for ", format_open_ports(report->ports)));
  state.grants.open(report->door, report->address, state.now, report->ports, report->seconds, under->rules);
  return true;
}

bool handle_reload(std::span<const std::uint8_t> message, HelperState& state) {
  auto request = decode_reload(message, IpcType::kReload);
  if (!request) {
    state.log.line(str_cat("error: sniffer sent a bad reload (", ipc_reject_name(request.error()), ")"));
    return false;
  }
  if (!state.reload) return false;
  state.reload(request->generation);
  return true;
}

// A line for the log file: the bytes are the sniffer's, SnifferLines makes them safe.
bool handle_log_line(std::span<const std::uint8_t> message, HelperState& state) {
  auto line = decode_log_line(message);
  if (!line) {
    state.log.line(str_cat("error: sniffer sent a bad log line (", ipc_reject_name(line.error()), ")"));
    return false;
  }
  if (!state.sniffer_lines) {
    state.log.line("error: sniffer sent a log line, which this helper does not take");
    return false;
  }
  state.sniffer_lines->write(*line, state.now.monotonic_ms);
  return true;
}

struct Request {
  IpcType type;
  bool (*handle)(std::span<const std::uint8_t>, HelperState&);
};

constexpr std::array<Request, 5> kRequests{{
    {IpcType::kMatch, handle_match},
    {IpcType::kSpaOpen, handle_spa_open},
    {IpcType::kOneTimeInForce, handle_one_time_in_force},
    {IpcType::kReload, handle_reload},
    {IpcType::kLogLine, handle_log_line},
}};

}  // namespace

void send_one_time_update(int sniffer, const OneTimeUpdate& update, const Log& log) {
  const std::vector<std::uint8_t> m = encode_one_time_update(update);
  if (send(sniffer, m.data(), m.size(), MSG_NOSIGNAL | MSG_DONTWAIT) != static_cast<ssize_t>(m.size()))
    log.line(format_sys_error(sys_error("error: helper: sending the next one-time sequence")));
}

bool dispatch(std::span<const std::uint8_t> message, HelperState& state) {
  if (const auto type = ipc_type_byte(message))
    for (const Request& r : kRequests)
      if (*type == std::to_underlying(r.type)) return r.handle(message, state);
  state.log.line(str_cat("error: sniffer sent an unknown request (", std::to_string(message.size()), " bytes)"));
  return false;
}

}  // namespace sesame
