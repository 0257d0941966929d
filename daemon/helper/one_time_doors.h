// OneTimeDoors: the helper's side of knockd's One_Time_Sequences. The helper, as root,
// is the authority on which line of each door's file is in force: it marks a line used
// before the door opens (so no crash after an open can leave the line usable), tells
// the sniffer the next line, and opens nothing for the door until the sniffer answers
// that the next line is in force.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/one_time_update.h"
#include "daemon/sys/log.h"

namespace sesame {

class OneTimeDoors {
 public:
  // The one-time doors of `config`, config generation `generation`, with the sequences
  // it was read with (matcher door indices as in `doors`). Both must outlive this
  // object, as must `log`. Its updates carry `generation`.
  OneTimeDoors(const Config& config, const MatcherDoors& doors, ConfigGeneration generation, const Log& log);

  struct Admission {
    bool open = false;                    // the door may open
    std::optional<OneTimeUpdate> update;  // for the sniffer, when the door's line changed
  };
  // A match of matcher door `door`. A door that is not one-time just opens. A one-time
  // door opens only if its sequence was not used already (or is not waiting for the
  // sniffer to take the next one) and its line could be marked used in its file first.
  // A line that cannot be marked disables the door, as in knockd; so does the last line.
  Admission admit(std::uint32_t door);

  // The sniffer's answer to an update. False for one the helper did not send (or an
  // old serial): the peer is then dropped.
  bool in_force(const OneTimeInForce& answer);

  // After a reload to this generation: every door's sequence as the helper read it,
  // for the sniffer, which may have read the files before the helper last marked one.
  // Each door opens nothing until the sniffer confirms its update.
  std::vector<OneTimeUpdate> restate();

 private:
  struct State {
    std::uint32_t matcher_door;
    std::size_t config_door;
    std::vector<KnockStep> sequence;  // in force; empty once disabled
    std::uint32_t serial = 0;
    bool awaiting_sniffer = false;
  };
  State* find(std::uint32_t matcher_door);
  // Logs, with the drop-in that helps, when the door's file cannot be marked used.
  void warn_if_unwritable(const ConfigDoor& d) const;
  // The update after `s` was marked used in `text` (the file's new content).
  OneTimeUpdate next(State& s, const std::string& text);

  const Config& config_;
  ConfigGeneration generation_;
  const Log& log_;
  std::vector<State> doors_;
};

}  // namespace sesame
