// Dispatch: the table of requests the helper accepts from the sniffer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "core/config/config.h"
#include "core/ipc.h"
#include "daemon/helper/grants.h"
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
  ConfigGeneration generation = 0;  // the current generation's
  const PreviousGeneration* previous = nullptr;
  // kReload: the helper reads the config again and answers the sniffer.
  std::function<void(ConfigGeneration)> reload;
};

// Acts on one message from the sniffer. Returns false when the peer must be dropped:
// an unknown or malformed message, or a door index its generation does not have
// (logged with the reason). A match under a generation the helper does not hold (any
// but the current and the previous one) is logged and ignored: it is never read
// under another generation's numbering.
bool dispatch(std::span<const std::uint8_t> message, HelperState& state);

}  // namespace sesame
