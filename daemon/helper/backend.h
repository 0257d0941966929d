// Backend: what the helper asks of a firewall (ufw, nft, or the door's own commands),
// one grant at a time, and the one place that runs a backend's command and logs it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "daemon/helper/journal.h"
#include "daemon/helper/spawn.h"
#include "daemon/sys/log.h"

namespace sesame {

// Every call comes from the helper's only thread, so two firewall changes never
// overlap. `door` is an index into the Config the backend was made with; a record's
// backend is the backend's own. A method that returns false has logged why.
// A firewall command that has not finished by then is killed and counts as failed.
// ufw takes well under a second on an idle machine.
inline constexpr std::chrono::milliseconds kCommandTimeout{10'000};

class Backend {
 public:
  virtual ~Backend() = default;

  // The programs the backend runs (argv[0]s); the helper refuses to start when one
  // cannot be found, rather than fail at the first knock.
  virtual std::vector<std::string> programs() const = 0;
  // The first of programs() that cannot be found, nullopt if all can.
  std::optional<std::string> missing_program() const;

  // Prepares the firewall before the first grant (nft: sesame's own table, created
  // whole). Runs after the previous run's leftovers were closed.
  virtual bool start() { return true; }
  // Whether opening `door` for `source` makes a grant the helper journals and closes
  // later (exec: only with a stop command for the source's family).
  virtual bool tracks(std::size_t door, const Address& source) const;
  // Opens the grant `record` describes; `seconds` is its lifetime where the firewall
  // itself can enforce one (nft), nullopt for none.
  virtual bool open(std::size_t door, const GrantRecord& record, std::optional<std::uint32_t> seconds) = 0;
  // An open grant knocked again: the lifetime the firewall enforces starts over.
  virtual bool extend(std::size_t door, const GrantRecord& record, std::uint32_t seconds);
  virtual bool close(std::size_t door, const GrantRecord& record) = 0;
  // A grant a previous run kept over a clean shutdown is this run's again, with
  // `seconds` left (nft: start() emptied the table, so it is added back).
  virtual bool adopt(std::size_t door, const GrantRecord& record, std::uint32_t seconds);
  // Closes what a previous run (of any config) left open, from the record alone.
  virtual void close_leftover(const GrantRecord& record) = 0;
  // Clean shutdown, after the grants that do not stay were closed; `keep`: some stay
  // open until their deadline (nft keeps its table, whose elements time out). Returns
  // once every command the backend started has ended.
  virtual void stop(bool keep);
  // Opens from here to end_batch() may be applied together (nft: one transaction for
  // all): open() then only records, and returns true. Every other call applies at once,
  // after what is recorded. end_batch applies the recorded opens (none when `apply` is
  // false) and returns the records of those the firewall did not open, logged.
  virtual bool batches() const { return false; }
  virtual void begin_batch() {}
  virtual std::vector<GrantRecord> end_batch(bool /*apply*/) { return {}; }
  // A backend that runs commands in the background (exec) collects the finished ones
  // here, on SIGCHLD and at next_deadline_in (milliseconds; nullopt: nothing runs).
  virtual void reap() {}
  virtual std::optional<std::uint64_t> next_deadline_in() const { return std::nullopt; }
  // What the helper does while one of the backend's commands runs (see spawn_and_wait).
  void set_while_waiting(WhileWaiting meanwhile) { while_waiting_ = std::move(meanwhile); }

 protected:
  Backend(const Config& config, const Log& log) : config_(config), log_(log) {}
  // Runs argv (spawn_and_wait); false, with the command and what it said logged, if it
  // could not start or exited non-zero.
  bool run(const std::vector<std::string>& argv) const;

  const Config& config_;
  const Log& log_;
  WhileWaiting while_waiting_;
};

// The backend `kind`; `state_dir` holds its files (nft's table definition). config and
// log must outlive it.
std::unique_ptr<Backend> make_backend(FirewallBackend kind, const Config& config, const std::string& state_dir,
                                      const Log& log);

}  // namespace sesame
