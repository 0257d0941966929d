// The accepted requests, one row each. Every field is checked again here: the sniffer
// reads packets from the network and is trusted with nothing.
#include "daemon/helper/dispatch.h"

#include <algorithm>

#include <sys/socket.h>

#include <array>

#include "core/config/config_values.h"
#include "core/ipc.h"
#include "core/spa_open_message.h"
#include "core/one_time_update.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

bool handle_match(std::span<const std::uint8_t> message, HelperState& state) {
  auto report = decode_match(message);
  if (!report) {
    state.log.line(str_cat("error: sniffer sent a bad message (", ipc_reject_name(report.error()), ")"));
    return false;
  }
  if (report->door >= state.doors.origins.size()) {
    state.log.line(str_cat("error: sniffer sent door ", std::to_string(report->door), ", the config has ",
                           std::to_string(state.doors.origins.size())));
    return false;
  }
  const MatcherDoorOrigin origin = state.doors.origins[report->door];
  if (state.doors.doors[report->door].sequence.empty()) {
    // The helper's own reading disabled this door (or its one-time file ran out).
    state.log.line(str_cat(state.doors.doors[report->door].name, ": not opened: the door is disabled"));
    return true;
  }
  if (origin.action == DoorAction::kClose) {
    state.grants.close(origin.config_door, report->source);
    return true;
  }
  // A one-time door's line is marked used before the door opens: a crash in between
  // leaves it used and the door shut, never the other way round.
  OneTimeDoors::Admission admission{.open = true, .update = {}};
  if (state.one_time) admission = state.one_time->admit(report->door);
  if (admission.open) state.grants.open(origin.config_door, report->source, state.now);
  if (admission.update) {
    const std::vector<std::uint8_t> m = encode_one_time_update(*admission.update);
    if (send(state.sniffer, m.data(), m.size(), MSG_NOSIGNAL | MSG_DONTWAIT) != static_cast<ssize_t>(m.size()))
      state.log.line(format_sys_error(sys_error("error: helper: sending the next one-time sequence")));
  }
  return true;
}

bool handle_one_time_in_force(std::span<const std::uint8_t> message, HelperState& state) {
  auto answer = decode_one_time_in_force(message);
  if (!answer) {
    state.log.line(str_cat("error: sniffer sent a bad message (", ipc_reject_name(answer.error()), ")"));
    return false;
  }
  if (!state.one_time || !state.one_time->in_force(*answer)) {
    state.log.line(str_cat("error: sniffer confirmed a one-time sequence the helper did not send (door ",
                           std::to_string(answer->door), ")"));
    return false;
  }
  return true;
}

// The sniffer decoded and checked the packet; the helper checks again everything its
// config decides: an SPA door, ports it lists, a time it allows, a packet not seen.
bool handle_spa_open(std::span<const std::uint8_t> message, HelperState& state) {
  auto report = decode_spa_open(message);
  if (!report) {
    state.log.line(str_cat("error: sniffer sent a bad SPA message (", ipc_reject_name(report.error()), ")"));
    return false;
  }
  if (!state.config || !state.replays) {
    state.log.line("error: sniffer sent an SPA message, which this helper does not serve");
    return false;
  }
  const auto refuse = [&](std::string_view why) {
    state.log.line(str_cat("error: sniffer asked to open SPA door ", std::to_string(report->door), " for ",
                           report->address.to_string(), ": ", why));
    return false;
  };
  if (report->door >= state.config->doors.size() || !state.config->doors[report->door].spa)
    return refuse("the config has no such SPA door");
  const ConfigDoor& door = state.config->doors[report->door];
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
  state.grants.open(report->door, report->address, state.now, report->ports, report->seconds);
  return true;
}

struct Request {
  IpcType type;
  bool (*handle)(std::span<const std::uint8_t>, HelperState&);
};

constexpr std::array<Request, 2> kRequests{{
    {IpcType::kMatch, handle_match},
    {IpcType::kSpaOpen, handle_spa_open},
    {IpcType::kOneTimeInForce, handle_one_time_in_force},
}};

}  // namespace

bool dispatch(std::span<const std::uint8_t> message, HelperState& state) {
  if (const auto type = ipc_type_byte(message))
    for (const Request& r : kRequests)
      if (*type == std::to_underlying(r.type)) return r.handle(message, state);
  state.log.line(str_cat("error: sniffer sent an unknown request (", std::to_string(message.size()), " bytes)"));
  return false;
}

}  // namespace sesame
