// The helper's open grants. Backend calls are made one after the other from the
// helper's only thread, so two changes to the firewall never overlap.
#include "daemon/helper/grants.h"

#include <vector>

#include "core/str_cat.h"

namespace sesame {
namespace {

// A grant's ports for log lines, "2222/tcp,53/udp"; empty for the exec backend.
std::string ports_text(const GrantRecord& r) {
  std::string out;
  for (const KnockStep& p : r.ports)
    out += str_cat(out.empty() ? "" : ",", std::to_string(p.port), "/", protocol_name(p.protocol));
  return out;
}

// What opening (or closing) did: " 2222/tcp", or " by its start (stop) command".
std::string change_text(const GrantRecord& r, bool opening) {
  const std::string ports = ports_text(r);
  return ports.empty() ? str_cat(" by its ", opening ? "start" : "stop", " command") : str_cat(" ", ports);
}

std::string who(const GrantRecord& r) { return str_cat(r.source.to_string(), ": ", r.door); }

constexpr std::string_view kOpenForElapsed = "open_for elapsed";

}  // namespace

bool Grants::adoptable(const GrantRecord& r, std::int64_t now_s, std::size_t& door) const {
  if (!config_.keep_grants_on_shutdown || r.backend != config_.firewall || !r.deadline || *r.deadline <= now_s)
    return false;
  for (door = 0; door < config_.doors.size(); ++door)
    if (config_.doors[door].door.name == r.door)
      return config_.doors[door].open_ports == r.ports && backend_.tracks(door, r.source) &&
             !grants_.contains({door, r.source});
  return false;
}

void Grants::close_leftover(const GrantRecord& r) {
  const std::string ports = ports_text(r);
  log_.line(str_cat("closing ", who(r), " (", firewall_backend_name(r.backend), ports.empty() ? "" : " ", ports,
                    "), left open by a previous run"));
  if (r.backend == config_.firewall)
    backend_.close_leftover(r);
  else
    make_backend(r.backend, config_, journal_.dir(), log_)->close_leftover(r);
}

std::expected<void, std::string> Grants::start(Clock now) {
  std::size_t skipped = 0;
  auto records = journal_.read(skipped);
  if (!records) return std::unexpected(format_sys_error(records.error()));
  if (skipped)
    log_.line(str_cat("warning: ", journal_.path(), ": ", std::to_string(skipped), " unreadable lines ignored"));
  std::vector<std::pair<std::size_t, GrantRecord>> adopted;
  for (GrantRecord& r : *records) {
    std::size_t door = 0;
    if (!adoptable(r, now.unix_s, door)) {
      close_leftover(r);
      continue;
    }
    const auto seconds = static_cast<std::uint64_t>(*r.deadline - now.unix_s);
    grants_.emplace(Key{door, r.source}, Grant{.close_at_ms = now.monotonic_ms + seconds * 1000, .record = r});
    adopted.emplace_back(door, std::move(r));
  }
  if (!backend_.start()) return std::unexpected(str_cat("the ", firewall_backend_name(config_.firewall),
                                                        " backend could not start"));
  for (const auto& [door, r] : adopted) {
    const auto seconds = static_cast<std::uint32_t>(*r.deadline - now.unix_s);
    const bool ok = backend_.adopt(door, r, seconds);
    log_.line(str_cat(who(r), ": kept open by the previous run", ok ? "" : " (with errors)", ", closes in ",
                      std::to_string(seconds), "s"));
  }
  if (!save_journal()) return std::unexpected(str_cat(journal_.path(), " could not be rewritten"));
  return {};
}

bool Grants::save_journal(const GrantRecord* extra) {
  std::vector<GrantRecord> all;
  for (const auto& [door, record] : unclosed_) all.push_back(record);
  for (const auto& [key, grant] : grants_) all.push_back(grant.record);
  if (extra) all.push_back(*extra);
  if (auto ok = journal_.write(all); !ok) {
    log_.line(str_cat("error: journal: ", format_sys_error(ok.error())));
    return false;
  }
  return true;
}

bool Grants::admit(const GrantRecord& record, std::uint64_t now_ms) {
  const OpenVerdict verdict = limiter_.admit(record.source, now_ms);
  if (verdict == OpenVerdict::kAllowed) return true;
  ++refusals_;
  if (!refusal_logged_ || now_ms - refusal_logged_ms_ >= 1000) {
    log_.line(str_cat(who(record), ": refused, ", open_verdict_name(verdict),
                      refusals_ > 1 ? str_cat(" (", std::to_string(refusals_), " opens refused since the last line)")
                                    : std::string()));
    refusals_ = 0;
    refusal_logged_ = true;
    refusal_logged_ms_ = now_ms;
  }
  return false;
}

void Grants::open(std::size_t door, const Address& source, Clock now) {
  const ConfigDoor& d = config_.doors[door];
  GrantRecord record{.backend = config_.firewall, .source = source, .ports = d.open_ports, .deadline = {},
                     .door = d.door.name};
  std::optional<std::uint64_t> close_at;
  if (d.open_for) {
    close_at = now.monotonic_ms + std::uint64_t{*d.open_for} * 1000;
    record.deadline = now.unix_s + *d.open_for;
  }
  const std::string for_text = d.open_for ? str_cat(" for ", std::to_string(*d.open_for), "s") : "";
  if (!backend_.tracks(door, source)) {
    if (!admit(record, now.monotonic_ms)) return;
    const bool ok = backend_.open(door, record, d.open_for);
    log_.line(str_cat(who(record), ": opened", change_text(record, true), ok ? "" : " (with errors)",
                      " (no stop command: nothing to close)"));
    return;
  }
  if (auto it = grants_.find({door, source}); it != grants_.end()) {
    // Already open: what is open stays, only the closing time moves.
    Grant& g = it->second;
    g.close_at_ms = close_at;
    g.record.deadline = record.deadline;
    if (d.open_for) backend_.extend(door, g.record, *d.open_for);
    // The journal's deadline matters only to a run that takes kept grants back.
    if (config_.keep_grants_on_shutdown) save_journal();
    log_.line(str_cat(who(record), ": already open, ",
                      close_at ? str_cat("closes in ", std::to_string(*d.open_for), "s") : std::string("stays open")));
    return;
  }
  if (grants_.size() + unclosed_.size() >= kMaxGrants) {
    log_.line(str_cat(who(record), ": refused, ", std::to_string(kMaxGrants), " grants are open already"));
    return;
  }
  if (!admit(record, now.monotonic_ms)) return;
  // Journal first: a crash between here and the firewall leaves a record whose close
  // is harmless.
  if (!save_journal(&record)) {
    log_.line(str_cat(who(record), ": not opened, the journal could not be written"));
    return;
  }
  if (!backend_.open(door, record, d.open_for)) {
    // Nothing half-applied: whatever part did open is closed again.
    if (backend_.close(door, record)) {
      save_journal();
      log_.line(str_cat(who(record), ": not opened, the firewall refused", change_text(record, true)));
      return;
    }
    log_.line(str_cat(who(record), ": the firewall refused", change_text(record, true),
                      " and undoing it failed; kept as open so that it is closed again later"));
  } else {
    log_.line(str_cat(who(record), ": opened", change_text(record, true), for_text));
  }
  grants_.emplace(Key{door, source}, Grant{.close_at_ms = close_at, .record = std::move(record)});
}

void Grants::close(std::size_t door, const Address& source) {
  if (auto it = grants_.find({door, source}); it != grants_.end()) close_grant(it, "close sequence");
}

void Grants::close_grant(std::map<Key, Grant>::iterator it, std::string_view why) {
  const std::size_t door = it->first.first;
  GrantRecord record = std::move(it->second.record);
  grants_.erase(it);
  // knockd's line when Cmd_Timeout ends before it runs the stop command.
  if (record.backend == FirewallBackend::kExec && why == kOpenForElapsed)
    log_.line(str_cat(who(record), ": command timeout"));
  const bool ok = backend_.close(door, record);
  log_.line(str_cat(who(record), ok ? ": closed" : ": closing failed for", change_text(record, false), " (", why,
                    ")", ok ? "" : "; the journal keeps it for the next start"));
  // The journal keeps a grant until its close has run, and one whose close failed.
  if (!ok) unclosed_.emplace_back(door, std::move(record));
  save_journal();
}

void Grants::expire(std::uint64_t now_ms) {
  for (auto it = grants_.begin(); it != grants_.end();) {
    auto next = std::next(it);
    if (it->second.close_at_ms && *it->second.close_at_ms <= now_ms) close_grant(it, kOpenForElapsed);
    it = next;
  }
}

void Grants::shutdown() {
  // One more try for the closes that failed; what fails again stays in the journal.
  for (auto& [door, r] : std::exchange(unclosed_, {})) {
    if (backend_.close(door, r)) continue;
    log_.line(str_cat(who(r), ": closing failed again; the journal keeps it for the next start"));
    unclosed_.emplace_back(door, std::move(r));
  }
  save_journal();
  const bool keep = config_.keep_grants_on_shutdown;
  for (auto it = grants_.begin(); it != grants_.end();) {
    auto next = std::next(it);
    if (!keep || !it->second.close_at_ms) close_grant(it, "shutdown");
    it = next;
  }
  if (!grants_.empty())
    log_.line(str_cat(std::to_string(grants_.size()), " grants stay open until their open_for ends "
                                                      "(keep_grants_on_shutdown)"));
  backend_.stop(!grants_.empty());
}

std::optional<std::uint64_t> Grants::next_deadline_in(std::uint64_t now_ms) const {
  std::optional<std::uint64_t> soonest;
  for (const auto& [key, grant] : grants_)
    if (grant.close_at_ms) {
      const std::uint64_t in = *grant.close_at_ms > now_ms ? *grant.close_at_ms - now_ms : 0;
      soonest = soonest ? std::min(*soonest, in) : in;
    }
  return soonest;
}

}  // namespace sesame
