// Dispatch: the table of requests the helper accepts from the sniffer.
#pragma once

#include <cstdint>
#include <span>

#include "core/config/config.h"
#include "daemon/helper/grants.h"
#include "daemon/helper/one_time_doors.h"
#include "daemon/sys/log.h"

namespace sesame {

struct HelperState {
  const MatcherDoors& doors;  // derived by the helper from its own config
  Grants& grants;
  const Log& log;
  Clock now;  // when the message arrived
  OneTimeDoors* one_time = nullptr;  // null: no door has one-time sequences
  int sniffer = -1;                  // the socket one-time updates go back on
};

// Acts on one message from the sniffer. Returns false when the peer must be dropped:
// an unknown or malformed message, or a door index the helper's config does not have
// (logged with the reason).
bool dispatch(std::span<const std::uint8_t> message, HelperState& state);

}  // namespace sesame
