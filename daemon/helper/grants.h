// Grants: the doors the helper has open, per config door and knocking address, with
// their closing times; every change goes through ufw and the journal, one at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/address.h"
#include "core/config.h"
#include "daemon/helper/journal.h"
#include "daemon/helper/ufw.h"
#include "daemon/log.h"

namespace sesame {

// Open grants beyond this are refused: each costs ufw rules, and a flood of matches
// from spoofed sources must not grow the firewall without end.
inline constexpr std::size_t kMaxGrants = 4096;

class Grants {
 public:
  // config and log must outlive the Grants.
  Grants(const Config& config, const Journal& journal, const Log& log)
      : config_(config), journal_(journal), log_(log) {}

  // Closes every rule the journal lists (a previous run's leftovers), then empties it.
  // Fails if the journal cannot be read or rewritten.
  std::expected<void, SysError> close_leftovers();

  // Config door `door` opened for `source` at `now_ms` (a monotonic clock): its ports
  // are opened, journal first; an open grant only has its closing time moved to
  // now + open_for.
  void open(std::size_t door, const Address& source, std::uint64_t now_ms);
  // The door's close sequence: closes the grant if it is open.
  void close(std::size_t door, const Address& source);
  // Closes every grant whose time has come.
  void expire(std::uint64_t now_ms);
  void close_all();

  // Milliseconds from now_ms to the next closing time; nullopt if none.
  std::optional<std::uint64_t> next_deadline_in(std::uint64_t now_ms) const;
  std::size_t size() const { return grants_.size(); }

 private:
  using Key = std::pair<std::size_t, Address>;
  struct Grant {
    std::optional<std::uint64_t> close_at_ms;
    std::vector<UfwRule> rules;
  };

  void close_grant(std::map<Key, Grant>::iterator it, std::string_view why);
  // Writes every open grant's rules (and `extra`) to the journal; logs a failure.
  bool save_journal(std::span<const UfwRule> extra = {});
  // Runs one ufw command; logs it when it fails, with what ufw said.
  bool run_ufw(const std::vector<std::string>& argv);

  const Config& config_;
  const Journal& journal_;
  const Log& log_;
  std::map<Key, Grant> grants_;
};

}  // namespace sesame
