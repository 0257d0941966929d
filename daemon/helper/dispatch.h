// Dispatch: the table of requests the helper accepts from the sniffer.
#pragma once

#include <cstdint>
#include <span>

#include "core/config/config.h"
#include "daemon/helper/grants.h"
#include "daemon/helper/spa_replay_file.h"
#include "daemon/helper/one_time_doors.h"
#include "daemon/sys/log.h"

namespace sesame {

struct HelperState {
  const MatcherDoors& doors;  // derived by the helper from its own config
  Grants& grants;
  const Log& log;
  Clock now;  // when the message arrived
  // For SPA open messages: the helper's own config (which door is an SPA door, what it
  // allows) and the replay file. Without them, an SPA message drops the peer.
  const Config* config = nullptr;
  SpaReplayFile* replays = nullptr;
  OneTimeDoors* one_time = nullptr;  // null: no door has one-time sequences
  int sniffer = -1;                  // the socket one-time updates go back on
};

// Acts on one message from the sniffer. Returns false when the peer must be dropped:
// an unknown or malformed message, a door index the helper's config does not have, or
// an SPA open the door does not allow (ports, time) (logged with the reason). A
// replayed SPA packet is logged and refused, and the peer kept: after a restart the
// sniffer's own cache is empty, and the helper's file is the one that remembers.
bool dispatch(std::span<const std::uint8_t> message, HelperState& state);

}  // namespace sesame
