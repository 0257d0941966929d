// The accepted requests, one row each. Every field is checked again here: the sniffer
// reads packets from the network and is trusted with nothing.
#include "daemon/helper/dispatch.h"

#include <array>

#include "core/ipc.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

bool handle_match(std::span<const std::uint8_t> message, HelperState& state) {
  auto report = decode_match(message);
  if (!report) {
    state.log.line(str_cat("error: sniffer sent a bad message (", ipc_reject_name(report.error()), ")"));
    return false;
  }
  const MatcherDoors* doors = &state.doors;
  std::shared_ptr<const GrantRules> rules;  // null: the current generation's
  if (report->generation != state.generation) {
    if (!state.previous || report->generation != state.previous->id) {
      state.log.line(str_cat("warning: ", report->source.to_string(), ": a match under config generation ",
                             std::to_string(report->generation), ", which the helper does not hold (it has ",
                             std::to_string(state.generation), "), is ignored"));
      return true;
    }
    doors = state.previous->doors;
    rules = state.previous->rules;
  }
  if (report->door >= doors->origins.size()) {
    state.log.line(str_cat("error: sniffer sent door ", std::to_string(report->door), ", the config has ",
                           std::to_string(doors->origins.size())));
    return false;
  }
  const MatcherDoorOrigin origin = doors->origins[report->door];
  if (origin.action == DoorAction::kOpen)
    state.grants.open(origin.config_door, report->source, state.now, rules);
  else
    state.grants.close(origin.config_door, report->source, rules);
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

struct Request {
  IpcType type;
  bool (*handle)(std::span<const std::uint8_t>, HelperState&);
};

constexpr std::array<Request, 2> kRequests{{
    {IpcType::kMatch, handle_match},
    {IpcType::kReload, handle_reload},
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
