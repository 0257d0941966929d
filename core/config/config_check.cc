// The whole-config checks, in the order check_config's comment lists them.
#include "core/config/config_check.h"

#include <algorithm>
#include <array>

#include "core/config/config_values.h"
#include "core/matcher.h"
#include "core/config/one_time_sequences.h"
#include "core/spa/spa_key_file.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

// Linux's IFNAMSIZ less the terminator; knockd copies Interface into a buffer as large.
constexpr std::size_t kMaxInterfaceName = 15;
// knockd keeps door names in char[128] and silently cuts longer ones.
constexpr std::size_t kMaxDoorName = 127;

std::string quote(std::string_view s) { return str_cat("'", s, "'"); }

// Linux's dev_valid_name: what the kernel would refuse to look up.
std::string interface_problem(std::string_view name) {
  if (name.empty()) return "empty interface name";
  if (name.size() > kMaxInterfaceName)
    return str_cat("interface name ", quote(name), " is longer than ",
                   std::to_string(kMaxInterfaceName), " bytes");
  if (name == "." || name == "..") return str_cat(quote(name), " is not an interface name");
  for (char c : name)
    if (c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r'))
      return str_cat("interface name ", quote(name), " contains ",
                     c == '/' || c == ':' ? quote(std::string(1, c)) : "whitespace");
  return {};
}

std::string door_name_problem(std::string_view name) {
  if (name.empty()) return "empty door name";
  if (name.size() > kMaxDoorName)
    return str_cat("door name longer than ", std::to_string(kMaxDoorName), " bytes");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return "door name contains a control character (it is written to logs)";
  return {};
}

bool is_prefix(const std::vector<KnockStep>& a, const std::vector<KnockStep>& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

class Checker {
 public:
  Checker(Config& config, const ConfigSpots& spots, std::string_view text, std::string_view file,
          const ReadFile& read)
      : config_(config), spots_(spots), text_(text), file_(file), read_(read) {}

  std::expected<void, ConfigError> run() {
    if (config_.doors.empty())
      return fail({}, "no doors: the file describes nothing to open (expected at least one door)");
    if (config_.interfaces.empty())
      return fail(spots_.interfaces, "no interface to listen on (expected at least one)");
    for (std::size_t i = 0; i < config_.interfaces.size(); ++i) {
      const std::string& name = config_.interfaces[i];
      if (auto p = interface_problem(name); !p.empty()) return fail(spots_.interfaces, p);
      // Two rings on one interface would show every knock twice, and a repeated knock
      // breaks a sequence (matcher rule R3).
      if (std::ranges::find(config_.interfaces.begin(), config_.interfaces.begin() + i, name) !=
          config_.interfaces.begin() + i)
        return fail(spots_.interfaces, str_cat("interface ", quote(name), " listed twice"));
    }
    for (std::size_t i = 0; i < config_.doors.size(); ++i) {
      config_.doors[i].line = spots_.doors[i].name.line;
      if (auto r = check_door(config_.doors[i], spots_.doors[i]); !r) return r;
    }
    const MatcherDoors m = matcher_doors(config_);
    if (auto r = check_names(m); !r) return r;
    if (auto r = check_overlaps(m); !r) return r;
    // A stand-in for the interface's addresses (known only at run time), so that doors
    // without a target take part in the build as they will in the daemon.
    const std::array<Address, 1> local{Address{}};
    if (auto built = Matcher::build(m.doors, local, m.rules); !built)
      return fail({}, str_cat("the doors cannot be compiled: ", built.error().message));
    return {};
  }

 private:
  ConfigError error_at(const SourceSpot& at, std::string message) const {
    return config_error_at(file_, text_, at.line, at.column, at.field, std::move(message));
  }
  std::expected<void, ConfigError> fail(const SourceSpot& at, std::string message) const {
    return std::unexpected(error_at(at, std::move(message)));
  }

  std::expected<void, ConfigError> check_door(ConfigDoor& d, const DoorSpots& at) const {
    if (auto p = door_name_problem(d.door.name); !p.empty()) return fail(at.name, p);
    if (d.spa) return check_spa_door(d, at);
    const bool one_time = !d.one_time_sequences.empty();
    if (one_time && !d.door.sequence.empty())
      return fail(at.one_time_sequences,
                  str_cat("door ", quote(d.door.name),
                          " has both a sequence and a one-time sequence file (expected one of "
                          "them)"));
    if (!one_time && d.door.sequence.empty())
      return fail(at.name, str_cat("door ", quote(d.door.name),
                                   " has no knock sequence (expected a sequence or a one-time "
                                   "sequence file)"));
    if (!one_time) return {};
    // A one-time file that cannot give a sequence disables its door, not the config:
    // the other doors still work (knockd refuses to start instead).
    auto text = read_(d.one_time_sequences);
    if (!text) {
      disable_door(d, error_at(at.one_time_sequences, str_cat("cannot read one-time sequence file ",
                                                              quote(d.one_time_sequences), ": ", text.error())));
      return {};
    }
    auto current = current_one_time_sequence(*text, d.one_time_sequences);
    if (!current && current.error().line == 0)
      disable_door(d, error_at(at.one_time_sequences, str_cat(d.one_time_sequences, ": ", current.error().message)));
    else if (!current)
      disable_door(d, std::move(current.error()));
    else
      d.door.sequence = std::move(current->sequence);
    return {};
  }

  const SourceSpot& sequence_spot(const MatcherDoorOrigin& o) const {
    const DoorSpots& at = spots_.doors[o.config_door];
    if (o.action == DoorAction::kClose) return at.close_sequence;
    return config_.doors[o.config_door].one_time_sequences.empty() ? at.sequence
                                                                   : at.one_time_sequences;
  }

  std::expected<void, ConfigError> check_spa_door(ConfigDoor& d, const DoorSpots& at) const {
    SpaDoor& spa = *d.spa;
    if (!spa.key_file.empty()) {
      auto text = read_(spa.key_file);
      if (!text)
        return fail(at.key_file, str_cat("cannot read key file ", quote(spa.key_file), ": ", text.error()));
      if (auto ok = read_spa_key_file(*text, spa.keys); !ok)
        return fail(at.key_file, str_cat(spa.key_file, ": ", ok.error()));
    }
    if (spa.keys.key.empty())
      return fail(at.spa, str_cat("SPA door ", quote(d.door.name), " has no key (expected key, key_base64 or key_file)"));
    // Without an HMAC every packet would have to be decrypted to be refused, and a
    // tampered one could reach the plaintext parser.
    if (spa.keys.hmac_key.empty())
      return fail(at.spa, str_cat("SPA door ", quote(d.door.name),
                                  " has no HMAC key (expected hmac_key or hmac_key_base64, as with fwknop --use-hmac)"));
    if (auto problem = spa_keys_error(spa.keys)) return fail(at.spa, *problem);
    if (!d.open_for) d.open_for = kDefaultSpaOpenFor;
    if (*d.open_for == 0 || *d.open_for > spa.max_open_for)
      return fail(at.spa, str_cat("open_for (", std::to_string(*d.open_for), "s) must be 1s to max_open_for (",
                                  std::to_string(spa.max_open_for), "s)"));
    // SPA doors may share a port, as fwknop's stanzas do: each packet is tried against
    // every door on its port whose sources include it.
    // Names: against earlier doors (so the second of two is named) and the knock doors
    // after it, which check_names does not compare with SPA doors.
    bool earlier = true;
    for (const ConfigDoor& other : config_.doors) {
      if (&other == &d) {
        earlier = false;
        continue;
      }
      if ((earlier || !other.spa) && other.door.name == d.door.name)
        return fail(at.name, str_cat("two doors named ", quote(d.door.name), "; door names must be unique"));
    }
    return {};
  }

  std::expected<void, ConfigError> check_names(const MatcherDoors& m) const {
    for (std::size_t j = 0; j < m.doors.size(); ++j)
      for (std::size_t i = 0; i < j; ++i)
        if (m.doors[i].name == m.doors[j].name) {
          const SourceSpot& first = spots_.doors[m.origins[i].config_door].name;
          return fail(
              spots_.doors[m.origins[j].config_door].name,
              str_cat("two doors named ", quote(m.doors[j].name),
                      first.line ? str_cat(" (the first at line ", std::to_string(first.line), ")")
                                 : std::string(),
                      "; door names must be unique"));
        }
    return {};
  }

  std::expected<void, ConfigError> check_overlaps(const MatcherDoors& m) const {
    // A close door directly follows its open door (matcher_doors), so i - 1 is the open one.
    for (std::size_t i = 0; i < m.doors.size(); ++i)
      if (m.origins[i].action == DoorAction::kClose && !m.doors[i].sequence.empty() &&
          m.doors[i].sequence == m.doors[i - 1].sequence)
        return fail(sequence_spot(m.origins[i]),
                    str_cat("the close sequence of door ", quote(m.doors[i - 1].name),
                            " equals its open sequence (expected a different one, such as the "
                            "open sequence reversed)"));
    for (std::size_t j = 0; j < m.doors.size(); ++j) {
      for (std::size_t i = 0; i < j; ++i) {
        const Door& a = m.doors[i];
        const Door& b = m.doors[j];
        // A disabled door (no sequence) overlaps nothing.
        if (a.sequence.empty() || b.sequence.empty()) continue;
        if (a.tcp_flags != b.tcp_flags || a.target != b.target) continue;
        const bool a_first = is_prefix(a.sequence, b.sequence);
        if (!a_first && !is_prefix(b.sequence, a.sequence)) continue;
        const Door& shorter = a_first ? a : b;
        const Door& longer = a_first ? b : a;
        const std::string what =
            shorter.sequence.size() == longer.sequence.size()
                ? str_cat("doors ", quote(a.name), " and ", quote(b.name),
                          " have the same sequence ", format_sequence(a.sequence))
                : str_cat("the sequence of door ", quote(shorter.name), " (",
                          format_sequence(shorter.sequence), ") begins the sequence of door ",
                          quote(longer.name), " (", format_sequence(longer.sequence), ")");
        return fail(sequence_spot(m.origins[j]),
                    str_cat(what, " with the same TCP flags and target, so knocking ",
                            quote(longer.name), " also opens ", quote(shorter.name),
                            " (expected sequences that differ before either ends)"));
      }
    }
    return {};
  }

  Config& config_;
  const ConfigSpots& spots_;
  std::string_view text_;
  std::string_view file_;
  const ReadFile& read_;
};

}  // namespace

std::expected<void, ConfigError> check_config(Config& config, const ConfigSpots& spots,
                                              std::string_view text, std::string_view file,
                                              const ReadFile& read) {
  return Checker(config, spots, text, file, read).run();
}

}  // namespace sesame
