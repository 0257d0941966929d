// Grants: the doors the helper has open, per config door and knocking address, with
// their closing times; every change goes through the backend and the journal, one at
// a time.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/address.h"
#include "core/config/config.h"
#include "core/open_limiter.h"
#include "daemon/helper/backend.h"
#include "daemon/helper/journal.h"
#include "daemon/helper/counted_lines.h"
#include "daemon/sys/log.h"

namespace sesame {

// Open grants beyond this are refused: each costs firewall rules, and a flood of
// matches from spoofed sources must not grow the firewall without end. Each door's cap
// keeps it below its share, so only grants whose close failed can fill it.
inline constexpr std::size_t kMaxGrants = 4096;
// A re-knock moves a grant's closing time only once this fraction of open_for (a
// quarter) has passed since the last move.
inline constexpr std::uint32_t kExtendFraction = 4;

// The two clocks a grant needs: closing times run on the monotonic one, the journal
// keeps deadlines on the wall clock (the next run's monotonic clock may start over).
struct Clock {
  std::uint64_t monotonic_ms = 0;
  std::int64_t unix_s = 0;
};

// One reading of the config and the backend made for it (a config generation). A
// grant keeps the rules it opened under: its ports, its stop command and its backend
// stay what they were, whatever a reload changed since.
struct GrantRules {
  const Config* config = nullptr;
  Backend* backend = nullptr;              // made for *config
  std::shared_ptr<const void> owner;       // keeps both alive; null when the caller does
};

class Grants {
 public:
  // Everything given must outlive the Grants; backend is config.firewall's.
  Grants(const Config& config, Backend& backend, const Journal& journal, const Log& log, OpenLimits limits = {})
      : Grants(std::make_shared<const GrantRules>(GrantRules{&config, &backend, nullptr}), journal, log, limits) {}
  // The same over rules that own their config and backend (the helper's generations).
  Grants(std::shared_ptr<const GrantRules> rules, const Journal& journal, const Log& log, OpenLimits limits = {})
      : rules_(std::move(rules)), journal_(journal), log_(log), limiter_(limits), refusals_(log, "opens refused"),
        reknocks_(log, "re-knocks") {}

  // A reload: opens and closes use `rules` from now on; open grants keep their own and
  // close on their own schedule. A grant is one per door name and address, whatever
  // generation its door index came from.
  void reload(std::shared_ptr<const GrantRules> rules) { rules_ = std::move(rules); }

  // A run's start: closes every grant the journal lists, each by its own backend's
  // means, except (with keep_grants_on_shutdown) unexpired ones of this backend for a
  // door the config still has with the same ports, which are this run's again; starts
  // the backend in between. Fails, with the reason, if the journal cannot be read or
  // rewritten or the backend cannot start.
  std::expected<void, std::string> start(Clock now);
  // After the sniffer died without a clean shutdown (the unit's ExecStopPost): closes
  // every grant the journal lists, each by its own backend's means, and empties it.
  // The backend is not started. Fails, with the reason, if the journal cannot be read
  // or rewritten.
  std::expected<void, std::string> close_leftovers();

  // Config door `door` opened for `source`: its ports are opened, journal first, until
  // now + open_for, or at most config.max_grant_lifetime for a door without one. An
  // open grant only has its closing time moved to now + open_for, and only once a
  // quarter of open_for has passed since it was last set (re-knocks are counted, not
  // each turned into a firewall command); a grant without open_for keeps its end. A
  // door at config.max_grants_per_door closes its oldest grant to make room. A door whose backend
  // does not track it (exec without a stop command) just opens, every time. A source
  // check_source refuses (the sniffer checked it too) opens nothing. New opens pass
  // the OpenLimiter first. An open the firewall refuses is undone and not
  // kept; if undoing fails too, the grant stays (journalled, closing as usual), since
  // it may be partly open.
  // `door` indexes `rules`' config (a match made under the previous generation), or
  // the current rules' when null.
  void open(std::size_t door, const Address& source, Clock now, const std::shared_ptr<const GrantRules>& rules = {});
  // An SPA door opened for `source`: as open(), with the ports and time the packet
  // asked for (the caller checked them against the door).
  void open(std::size_t door, const Address& source, Clock now, std::span<const KnockStep> ports,
            std::uint32_t seconds, const std::shared_ptr<const GrantRules>& rules = {});
  // The door's close sequence: closes the grant if it is open (`rules` as for open).
  void close(std::size_t door, const Address& source, const std::shared_ptr<const GrantRules>& rules = {});
  // With a backend that batches (nft), the current generation's opens from here to
  // end_batch() are journalled once, at end_batch, before the backend applies them
  // together (one transaction); those the firewall refused are forgotten again. A
  // close applies the batch first. With any other backend, nothing changes.
  void begin_batch();
  void end_batch();
  // Milliseconds until the limiter's budget for all sources has a token (0: now). The
  // helper serves its queue at that pace, so the budget goes to the queue's fair order
  // rather than to whoever sends most.
  std::uint64_t open_budget_wait(std::uint64_t now_ms) const { return limiter_.global_wait(now_ms); }
  // Closes every grant whose time has come.
  void expire(std::uint64_t now_ms);
  // Clean shutdown: closes every grant (with keep_grants_on_shutdown, every grant
  // without a closing time), then stops the backend.
  void shutdown();

  // Milliseconds from now_ms to the next closing time; nullopt if none.
  std::optional<std::uint64_t> next_deadline_in(std::uint64_t now_ms) const;
  std::size_t size() const { return grants_.size(); }

 private:
  using Key = std::pair<std::string, Address>;  // door name, source
  struct Grant {
    std::uint64_t close_at_ms = 0;
    std::uint64_t opened_ms = 0;
    GrantRecord record;
    std::shared_ptr<const GrantRules> rules;  // what it opened under, and closes with
    std::size_t door = 0;                     // index into rules->config->doors
  };

  void open_with(const std::shared_ptr<const GrantRules>& under, std::size_t door, const Address& source, Clock now,
                 std::vector<KnockStep> ports, std::optional<std::uint32_t> open_for);
  // The journal's records; unreadable lines are logged and skipped.
  std::expected<std::vector<GrantRecord>, std::string> read_journal() const;
  void close_grant(std::map<Key, Grant>::iterator it, std::string_view why);
  // A match for a grant already open (see open()).
  void reknock(Grant& grant, const GrantRecord& record, Clock now, std::optional<std::uint32_t> open_for);
  // Below config.max_grants_per_door, and the door's share of kMaxGrants.
  std::size_t door_cap() const;
  // Closes the oldest grant of the door named `door` if the door is at its cap.
  void make_room(const std::string& door);
  // A previous run's grant, closed by the backend that opened it.
  void close_leftover(const GrantRecord& record);
  // Whether a previous run's grant becomes this run's; its config door in `door`.
  bool adoptable(const GrantRecord& record, std::int64_t now_s, std::size_t& door) const;
  // Whether check_source, against the host's addresses now, lets `source` knock on
  // `door`; refusals go to refusals_.
  bool valid_source(const ConfigDoor& door, const GrantRecord& record, std::uint64_t now_ms);
  // Whether the limiter lets `source` open now; refusals go to refusals_.
  bool admit(const GrantRecord& record, std::uint64_t now_ms);
  // Writes every open grant, every grant whose close failed (and `extra`) to the
  // journal; logs a failure.
  bool save_journal(const GrantRecord* extra = nullptr);

  std::shared_ptr<const GrantRules> rules_;  // the current generation's
  const Journal& journal_;
  const Log& log_;
  std::map<Key, Grant> grants_;
  // Grants whose close the firewall refused: they may still be open, so the journal
  // keeps them for the next start (and shutdown) to close again.
  std::vector<Grant> unclosed_;
  OpenLimiter limiter_;
  CountedLines refusals_;
  CountedLines reknocks_;
  bool batching_ = false;
  bool journal_due_ = false;  // a batch opened grants: end_batch writes the journal first
};

}  // namespace sesame
