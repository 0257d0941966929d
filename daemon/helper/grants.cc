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

}  // namespace

bool Grants::adoptable(const GrantRecord& r, std::int64_t now_s, std::size_t& door) const {
  const Config& config = *rules_->config;
  if (!config.keep_grants_on_shutdown || r.backend != config.firewall || !r.deadline || *r.deadline <= now_s)
    return false;
  for (door = 0; door < config.doors.size(); ++door)
    if (config.doors[door].door.name == r.door)
      return config.doors[door].open_ports == r.ports && rules_->backend->tracks(door, r.source) &&
             !grants_.contains({r.door, r.source});
  return false;
}

void Grants::close_leftover(const GrantRecord& r) {
  const std::string ports = ports_text(r);
  log_.line(str_cat("closing ", who(r), " (", firewall_backend_name(r.backend), ports.empty() ? "" : " ", ports,
                    "), left open by a previous run"));
  if (r.backend == rules_->config->firewall)
    rules_->backend->close_leftover(r);
  else
    make_backend(r.backend, *rules_->config, journal_.dir(), log_)->close_leftover(r);
}

std::expected<std::vector<GrantRecord>, std::string> Grants::read_journal() const {
  std::size_t skipped = 0;
  auto records = journal_.read(skipped);
  if (!records) return std::unexpected(format_sys_error(records.error()));
  if (skipped)
    log_.line(str_cat("warning: ", journal_.path(), ": ", std::to_string(skipped), " unreadable lines ignored"));
  return std::move(*records);
}

std::expected<void, std::string> Grants::close_leftovers() {
  auto records = read_journal();
  if (!records) return std::unexpected(records.error());
  for (const GrantRecord& r : *records) close_leftover(r);
  if (!save_journal()) return std::unexpected(str_cat(journal_.path(), " could not be rewritten"));
  return {};
}

std::expected<void, std::string> Grants::start(Clock now) {
  auto records = read_journal();
  if (!records) return std::unexpected(records.error());
  std::vector<std::pair<std::size_t, GrantRecord>> adopted;
  for (GrantRecord& r : *records) {
    std::size_t door = 0;
    if (!adoptable(r, now.unix_s, door)) {
      close_leftover(r);
      continue;
    }
    const auto seconds = static_cast<std::uint64_t>(*r.deadline - now.unix_s);
    grants_.emplace(Key{r.door, r.source}, Grant{.close_at_ms = now.monotonic_ms + seconds * 1000, .record = r,
                                                 .rules = rules_, .door = door});
    adopted.emplace_back(door, std::move(r));
  }
  if (!rules_->backend->start()) return std::unexpected(str_cat("the ", firewall_backend_name(rules_->config->firewall),
                                                        " backend could not start"));
  for (const auto& [door, r] : adopted) {
    const auto seconds = static_cast<std::uint32_t>(*r.deadline - now.unix_s);
    const bool ok = rules_->backend->adopt(door, r, seconds);
    log_.line(str_cat(who(r), ": kept open by the previous run", ok ? "" : " (with errors)", ", closes in ",
                      std::to_string(seconds), "s"));
  }
  if (!save_journal()) return std::unexpected(str_cat(journal_.path(), " could not be rewritten"));
  return {};
}

bool Grants::save_journal(const GrantRecord* extra) {
  std::vector<GrantRecord> all;
  for (const Grant& g : unclosed_) all.push_back(g.record);
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

void Grants::open(std::size_t door, const Address& source, Clock now,
                  const std::shared_ptr<const GrantRules>& rules) {
  const std::shared_ptr<const GrantRules>& under = rules ? rules : rules_;
  Backend& backend = *under->backend;
  const ConfigDoor& d = under->config->doors[door];
  GrantRecord record{.backend = under->config->firewall, .source = source, .ports = d.open_ports, .deadline = {},
                     .door = d.door.name};
  std::optional<std::uint64_t> close_at;
  if (d.open_for) {
    close_at = now.monotonic_ms + std::uint64_t{*d.open_for} * 1000;
    record.deadline = now.unix_s + *d.open_for;
  }
  const std::string for_text = d.open_for ? str_cat(" for ", std::to_string(*d.open_for), "s") : "";
  if (!backend.tracks(door, source)) {
    if (!admit(record, now.monotonic_ms)) return;
    const bool ok = backend.open(door, record, d.open_for);
    log_.line(str_cat(who(record), ": opened", change_text(record, true), ok ? "" : " (with errors)",
                      " (no stop command: nothing to close)"));
    return;
  }
  if (auto it = grants_.find({d.door.name, source}); it != grants_.end()) {
    // Already open: what is open stays (ports and stop command as opened, even under
    // an older generation), only the closing time moves.
    Grant& g = it->second;
    g.close_at_ms = close_at;
    g.record.deadline = record.deadline;
    if (d.open_for) g.rules->backend->extend(g.door, g.record, *d.open_for);
    // The journal's deadline matters only to a run that takes kept grants back.
    if (rules_->config->keep_grants_on_shutdown) save_journal();
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
  if (!backend.open(door, record, d.open_for)) {
    // Nothing half-applied: whatever part did open is closed again.
    if (backend.close(door, record)) {
      save_journal();
      log_.line(str_cat(who(record), ": not opened, the firewall refused", change_text(record, true)));
      return;
    }
    log_.line(str_cat(who(record), ": the firewall refused", change_text(record, true),
                      " and undoing it failed; kept as open so that it is closed again later"));
  } else {
    log_.line(str_cat(who(record), ": opened", change_text(record, true), for_text));
  }
  Key key{d.door.name, source};
  grants_.emplace(std::move(key), Grant{.close_at_ms = close_at, .record = std::move(record), .rules = under,
                                        .door = door});
}

void Grants::close(std::size_t door, const Address& source, const std::shared_ptr<const GrantRules>& rules) {
  const std::string& name = (rules ? rules : rules_)->config->doors[door].door.name;
  if (auto it = grants_.find({name, source}); it != grants_.end()) close_grant(it, "close sequence");
}

void Grants::close_grant(std::map<Key, Grant>::iterator it, std::string_view why) {
  Grant grant = std::move(it->second);
  grants_.erase(it);
  const GrantRecord& record = grant.record;
  const bool ok = grant.rules->backend->close(grant.door, record);
  log_.line(str_cat(who(record), ok ? ": closed" : ": closing failed for", change_text(record, false), " (", why,
                    ")", ok ? "" : "; the journal keeps it for the next start"));
  // The journal keeps a grant until its close has run, and one whose close failed.
  if (!ok) unclosed_.push_back(std::move(grant));
  save_journal();
}

void Grants::expire(std::uint64_t now_ms) {
  for (auto it = grants_.begin(); it != grants_.end();) {
    auto next = std::next(it);
    if (it->second.close_at_ms && *it->second.close_at_ms <= now_ms) close_grant(it, "open_for elapsed");
    it = next;
  }
}

void Grants::shutdown() {
  // One more try for the closes that failed; what fails again stays in the journal.
  for (Grant& g : std::exchange(unclosed_, {})) {
    if (g.rules->backend->close(g.door, g.record)) continue;
    log_.line(str_cat(who(g.record), ": closing failed again; the journal keeps it for the next start"));
    unclosed_.push_back(std::move(g));
  }
  save_journal();
  const bool keep = rules_->config->keep_grants_on_shutdown;
  for (auto it = grants_.begin(); it != grants_.end();) {
    auto next = std::next(it);
    if (!keep || !it->second.close_at_ms) close_grant(it, "shutdown");
    it = next;
  }
  if (!grants_.empty())
    log_.line(str_cat(std::to_string(grants_.size()), " grants stay open until their open_for ends "
                                                      "(keep_grants_on_shutdown)"));
  rules_->backend->stop(!grants_.empty());
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
