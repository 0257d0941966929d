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
  if (report->door >= state.doors.origins.size()) {
    state.log.line(str_cat("error: sniffer sent door ", std::to_string(report->door), ", the config has ",
                           std::to_string(state.doors.origins.size())));
    return false;
  }
  const MatcherDoorOrigin origin = state.doors.origins[report->door];
  if (origin.action == DoorAction::kOpen)
    state.grants.open(origin.config_door, report->source, state.now);
  else
    state.grants.close(origin.config_door, report->source);
  return true;
}

struct Request {
  IpcType type;
  bool (*handle)(std::span<const std::uint8_t>, HelperState&);
};

constexpr std::array<Request, 1> kRequests{{
    {IpcType::kMatch, handle_match},
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
