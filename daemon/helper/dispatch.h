// Dispatch: the table of requests the helper accepts from the sniffer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "core/config/config.h"
#include "core/ipc.h"
#include "daemon/helper/grants.h"
#include "daemon/helper/spa_replay_file.h"
#include "daemon/helper/one_time_doors.h"
#include "daemon/helper/sniffer_lines.h"
#include "daemon/sys/log.h"

namespace sesame {

// The generation before the last reload: matches the sniffer made before it switched
// are applied under it.
struct PreviousGeneration {
  ConfigGeneration id = 0;
  const MatcherDoors* doors = nullptr;
  std::shared_ptr<const GrantRules> rules;
};

struct HelperState {
  const MatcherDoors& doors;  // derived by the helper from its own config (the current generation)
  Grants& grants;
  const Log& log;
  Clock now;  // when the message arrived
  // For SPA open messages: the helper's own config (the current generation's: which
  // door is an SPA door, what it allows) and the replay file. Without them, an SPA
  // message drops the peer.
  const Config* config = nullptr;
  SpaReplayFile* replays = nullptr;
  OneTimeDoors* one_time = nullptr;  // the current generation's; null: no door has one-time sequences
  int sniffer = -1;                  // the socket one-time updates go back on
  ConfigGeneration generation = 0;   // the current generation's
  const PreviousGeneration* previous = nullptr;
  // kReload: the helper reads the config again and answers the sniffer.
  std::function<void(ConfigGeneration)> reload;
  // kLogLine: where the sniffer's log file lines go. Null: such a line drops the peer.
  SnifferLines* sniffer_lines = nullptr;
};

// Acts on one message from the sniffer. Returns false when the peer must be dropped:
// an unknown or malformed message, a door index its generation does not have, or an
// SPA open the door does not allow (ports, time) (logged with the reason). A message
// under a generation the helper does not hold (any but the current and the previous
// one) is logged and ignored: it is never read under another generation's numbering.
// A replayed SPA packet is logged and refused, and the peer kept: after a restart the
// sniffer's own cache is empty, and the helper's file is the one that remembers.
bool dispatch(std::span<const std::uint8_t> message, HelperState& state);

// Sends a one-time update to the sniffer without blocking; a failure is logged, and
// the door stays shut (its update is never confirmed).
void send_one_time_update(int sniffer, const OneTimeUpdate& update, const Log& log);

}  // namespace sesame
