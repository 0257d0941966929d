// One-time doors: mark, then open, then move the sniffer to the next line. Log lines
// about the file use knockd's words.
#include "daemon/helper/one_time_doors.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/config/one_time_sequences.h"
#include "core/str_cat.h"
#include "daemon/sys/config_file.h"
#include "daemon/sys/read_write_hint.h"

namespace sesame {

OneTimeDoors::OneTimeDoors(const Config& config, const MatcherDoors& doors, ConfigGeneration generation,
                           const Log& log)
    : config_(config), generation_(generation), log_(log) {
  for (std::size_t i = 0; i < doors.origins.size(); ++i) {
    const MatcherDoorOrigin& o = doors.origins[i];
    if (o.action != DoorAction::kOpen || config.doors[o.config_door].one_time_sequences.empty()) continue;
    doors_.push_back({.matcher_door = static_cast<std::uint32_t>(i), .config_door = o.config_door,
                      .sequence = doors.doors[i].sequence});
    warn_if_unwritable(config.doors[o.config_door]);
  }
}

void OneTimeDoors::warn_if_unwritable(const ConfigDoor& d) const {
  // Said at start rather than at the first open, which would disable the door. The
  // marker writes a new file beside the old one, so the directory must be writable.
  const std::string dir = directory_of(d.one_time_sequences);
  if (access(dir.c_str(), W_OK) == 0) return;
  const int error = errno;
  log_.line(str_cat("warning: ", d.door.name, ": sesame-helper cannot write ", dir, " (", std::strerror(error),
                    "), so it cannot mark a used one-time sequence in ", d.one_time_sequences,
                    ": the door's first open will disable it", read_write_hint(error, dir)));
}

OneTimeDoors::State* OneTimeDoors::find(std::uint32_t matcher_door) {
  for (State& s : doors_)
    if (s.matcher_door == matcher_door) return &s;
  return nullptr;
}

OneTimeDoors::Admission OneTimeDoors::admit(std::uint32_t door) {
  State* s = find(door);
  if (!s) return {.open = true, .update = {}};
  const ConfigDoor& d = config_.doors[s->config_door];
  if (s->sequence.empty()) {
    log_.line(str_cat(d.door.name, ": not opened: the door is disabled (no one-time sequence left)"));
    return {};
  }
  if (s->awaiting_sniffer) {
    // The sniffer matched the used sequence again before it took the next one.
    log_.line(str_cat(d.door.name, ": not opened: its one-time sequence is used already"));
    return {};
  }
  auto text = mark_one_time_sequence_used(d.one_time_sequences, s->sequence);
  if (!text) {
    log_.line(str_cat("error while disabling used one time sequence for door ", d.door.name,
                      " --> disabling the door (", text.error().message, ")"));
    s->sequence.clear();
    ++s->serial;
    s->awaiting_sniffer = true;
    return {.open = false,
            .update = OneTimeUpdate{.generation = generation_, .door = s->matcher_door, .serial = s->serial,
                                    .line = 0, .sequence = {}}};
  }
  return {.open = true, .update = next(*s, *text)};
}

OneTimeUpdate OneTimeDoors::next(State& s, const std::string& text) {
  const ConfigDoor& d = config_.doors[s.config_door];
  auto current = current_one_time_sequence(text, d.one_time_sequences);
  ++s.serial;
  s.awaiting_sniffer = true;
  if (!current) {
    if (current.error().line == 0)
      log_.line(str_cat("no more sequences left in the one time sequences file for door ", d.door.name,
                        " --> disabling the door"));
    else
      log_.line(str_cat("error: ", d.one_time_sequences, ":", std::to_string(current.error().line), ": ",
                        current.error().message, " --> disabling the door ", d.door.name));
    s.sequence.clear();
    return {.generation = generation_, .door = s.matcher_door, .serial = s.serial, .line = 0, .sequence = {}};
  }
  log_.line(str_cat(d.door.name, ": one-time sequence used; next: line ", std::to_string(current->line), " of ",
                    d.one_time_sequences));
  s.sequence = current->sequence;
  return {.generation = generation_,
          .door = s.matcher_door,
          .serial = s.serial,
          .line = static_cast<std::uint32_t>(current->line),
          .sequence = std::move(current->sequence)};
}

bool OneTimeDoors::in_force(const OneTimeInForce& answer) {
  State* s = find(answer.door);
  if (!s || answer.generation != generation_ || !s->awaiting_sniffer || answer.serial != s->serial) return false;
  s->awaiting_sniffer = false;
  return true;
}

std::vector<OneTimeUpdate> OneTimeDoors::restate() {
  std::vector<OneTimeUpdate> out;
  for (State& s : doors_) {
    ++s.serial;
    s.awaiting_sniffer = true;
    // line 0: the restatement names no line (the sniffer read the file itself).
    out.push_back({.generation = generation_, .door = s.matcher_door, .serial = s.serial, .line = 0,
                   .sequence = s.sequence});
  }
  return out;
}

}  // namespace sesame
