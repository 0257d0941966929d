// The helper's open grants. Backend calls are made one after the other from the
// helper's only thread, so two changes to the firewall never overlap.
#include "daemon/helper/grants.h"

#include <algorithm>
#include <vector>

#include "core/config/config_values.h"
#include "core/source_check.h"
#include "core/str_cat.h"
#include "daemon/sys/host_prefixes.h"

namespace sesame {
namespace {

// A grant's ports for log lines, "2222/tcp,53/udp"; empty for the exec backend.
std::string ports_text(const GrantRecord& r) { return format_open_ports(r.ports); }

// What opening (or closing) did: " 2222/tcp", or " by its start (stop) command".
std::string change_text(const GrantRecord& r, bool opening) {
  const std::string ports = ports_text(r);
  return ports.empty() ? str_cat(" by its ", opening ? "start" : "stop", " command") : str_cat(" ", ports);
}

std::string who(const GrantRecord& r) { return str_cat(r.source.to_string(), ": ", r.door); }

constexpr std::string_view kOpenForElapsed = "open_for elapsed";

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
    grants_.emplace(Key{r.door, r.source}, Grant{.close_at_ms = now.monotonic_ms + seconds * 1000,
                                                 .opened_ms = now.monotonic_ms, .record = r, .rules = rules_,
                                                 .door = door});
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

void Grants::begin_batch() {
  batching_ = rules_->backend->batches();
  if (batching_) rules_->backend->begin_batch();
}

void Grants::end_batch() {
  if (!std::exchange(batching_, false)) return;
  // Journal first, as for a single open: the firewall applies nothing the journal lacks.
  const bool saved = !std::exchange(journal_due_, false) || save_journal();
  const std::vector<GrantRecord> refused = rules_->backend->end_batch(saved);
  for (const GrantRecord& r : refused) {
    grants_.erase({r.door, r.source});
    log_.line(str_cat(who(r), saved ? ": not opened, the firewall refused"
                                    : ": not opened, the journal could not be written",
                      change_text(r, true)));
  }
  if (!refused.empty()) save_journal();
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
  refusals_.event(str_cat(who(record), ": refused, ", open_verdict_name(verdict)), now_ms);
  return false;
}

bool Grants::valid_source(const ConfigDoor& door, const GrantRecord& record, std::uint64_t now_ms) {
  // Read per match: the host's addresses change, and matches are rate-limited upstream.
  auto host = host_prefixes();
  if (!host) log_.line(str_cat("warning: ", format_sys_error(host.error()), "; checking fixed ranges only"));
  const auto bad = check_source(record.source, host ? *host : std::vector<LocalPrefix>{},
                                door.allow_link_local);
  if (!bad) return true;
  refusals_.event(str_cat(who(record), ": refused, not a knocker's address (", source_reject_name(*bad), ")"),
                   now_ms);
  return false;
}

void Grants::open(std::size_t door, const Address& source, Clock now,
                  const std::shared_ptr<const GrantRules>& rules) {
  const std::shared_ptr<const GrantRules>& under = rules ? rules : rules_;
  const ConfigDoor& d = under->config->doors[door];
  open_with(under, door, source, now, d.open_ports, d.open_for);
}

void Grants::open(std::size_t door, const Address& source, Clock now, std::span<const KnockStep> ports,
                  std::uint32_t seconds, const std::shared_ptr<const GrantRules>& rules) {
  open_with(rules ? rules : rules_, door, source, now, {ports.begin(), ports.end()}, seconds);
}

void Grants::open_with(const std::shared_ptr<const GrantRules>& under, std::size_t door, const Address& source,
                       Clock now, std::vector<KnockStep> ports, std::optional<std::uint32_t> open_for) {
  Backend& backend = *under->backend;
  const Config& config = *under->config;
  const ConfigDoor& d = config.doors[door];
  GrantRecord record{.backend = config.firewall, .source = source, .ports = std::move(ports), .deadline = {},
                     .door = d.door.name};
  // Every grant ends: after open_for, or at the latest after the longest lifetime.
  const std::uint32_t lifetime = open_for.value_or(config.max_grant_lifetime);
  if (open_for) record.deadline = now.unix_s + *open_for;
  if (!valid_source(d, record, now.monotonic_ms)) return;
  if (!backend.tracks(door, source)) {
    if (!admit(record, now.monotonic_ms)) return;
    const bool ok = backend.open(door, record, open_for);
    log_.line(str_cat(who(record), ": opened", change_text(record, true), ok ? "" : " (with errors)",
                      " (no stop command: nothing to close)"));
    return;
  }
  if (auto it = grants_.find({d.door.name, source}); it != grants_.end()) {
    reknock(it->second, record, now, open_for);
    return;
  }
  if (grants_.size() + unclosed_.size() >= kMaxGrants) {
    refusals_.event(str_cat(who(record), ": refused, ", std::to_string(kMaxGrants), " grants are open already"),
                    now.monotonic_ms);
    return;
  }
  if (!admit(record, now.monotonic_ms)) return;
  make_room(d.door.name);
  // Journal first: a crash between here and the firewall leaves a record whose close
  // is harmless. In a batch of this backend's, the journal is written once, at
  // end_batch, before the backend applies the batch; any other backend opens now.
  if (batching_ && &backend == rules_->backend) {
    journal_due_ = true;
  } else if (!save_journal(&record)) {
    log_.line(str_cat(who(record), ": not opened, the journal could not be written"));
    return;
  }
  // nft: the kernel closes a grant without open_for at the end of its lifetime too.
  if (!backend.open(door, record, lifetime)) {
    // Nothing half-applied: whatever part did open is closed again.
    if (backend.close(door, record)) {
      save_journal();
      log_.line(str_cat(who(record), ": not opened, the firewall refused", change_text(record, true)));
      return;
    }
    log_.line(str_cat(who(record), ": the firewall refused", change_text(record, true),
                      " and undoing it failed; kept as open so that it is closed again later"));
  } else {
    log_.line(str_cat(who(record), ": opened", change_text(record, true),
                      open_for ? str_cat(" for ", std::to_string(lifetime), "s")
                                 : str_cat(" until its close sequence, ", std::to_string(lifetime), "s at most")));
  }
  Key key{d.door.name, source};
  grants_.emplace(std::move(key), Grant{.close_at_ms = now.monotonic_ms + std::uint64_t{lifetime} * 1000,
                                        .opened_ms = now.monotonic_ms, .record = std::move(record), .rules = under,
                                        .door = door});
}

void Grants::reknock(Grant& grant, const GrantRecord& record, Clock now, std::optional<std::uint32_t> open_for) {
  const auto closes_in = [&] { return std::to_string((grant.close_at_ms - now.monotonic_ms + 999) / 1000); };
  // A grant without open_for keeps the end its lifetime gave it.
  if (!open_for) {
    reknocks_.event(str_cat(who(record), ": already open, closes in ", closes_in(), "s at the latest"),
                    now.monotonic_ms);
    return;
  }
  // Moved at most once per quarter of open_for: a re-knock flood costs at most four
  // firewall commands per open_for per grant. Ticks never run backwards, and the
  // grant was set to close at most open_for after it was last moved.
  const std::uint64_t open_for_ms = std::uint64_t{*open_for} * 1000;
  const std::uint64_t close_at = now.monotonic_ms + open_for_ms;
  if (close_at < grant.close_at_ms + open_for_ms / kExtendFraction) {
    reknocks_.event(str_cat(who(record), ": already open, closes in ", closes_in(), "s (moved less than ",
                            std::to_string(*open_for / kExtendFraction), "s ago)"),
                    now.monotonic_ms);
    return;
  }
  // What is open stays (ports and stop command as opened, even under an older
  // generation), only the closing time moves.
  grant.close_at_ms = close_at;
  grant.record.deadline = record.deadline;
  grant.rules->backend->extend(grant.door, grant.record, *open_for);
  // The journal's deadline matters only to a run that takes kept grants back.
  if (rules_->config->keep_grants_on_shutdown) save_journal();
  reknocks_.event(str_cat(who(record), ": already open, closes in ", std::to_string(*open_for), "s"),
                  now.monotonic_ms);
}

std::size_t Grants::door_cap() const {
  const Config& config = *rules_->config;
  return std::max<std::size_t>(1, std::min<std::size_t>(config.max_grants_per_door, kMaxGrants / config.doors.size()));
}

void Grants::make_room(const std::string& door) {
  std::size_t open = 0;
  auto oldest = grants_.end();
  for (auto it = grants_.begin(); it != grants_.end(); ++it) {
    if (it->first.first != door) continue;
    ++open;
    if (oldest == grants_.end() || it->second.opened_ms < oldest->second.opened_ms) oldest = it;
  }
  if (open >= door_cap())
    close_grant(oldest, str_cat("the door has ", std::to_string(open), " grants open, its most; the oldest makes room"));
}

void Grants::close(std::size_t door, const Address& source, const std::shared_ptr<const GrantRules>& rules) {
  const std::string& name = (rules ? rules : rules_)->config->doors[door].door.name;
  if (auto it = grants_.find({name, source}); it != grants_.end()) close_grant(it, "close sequence");
}

void Grants::close_grant(std::map<Key, Grant>::iterator it, std::string_view why) {
  // The batch's opens are journalled and applied first: the close may be of one of them.
  if (batching_) {
    const Key key = it->first;
    end_batch();
    begin_batch();
    it = grants_.find(key);
    if (it == grants_.end()) return;  // its open was refused: nothing to close
  }
  Grant grant = std::move(it->second);
  grants_.erase(it);
  const GrantRecord& record = grant.record;
  // knockd's line when Cmd_Timeout ends before it runs the stop command.
  if (record.backend == FirewallBackend::kExec && why == kOpenForElapsed)
    log_.line(str_cat(who(record), ": command timeout"));
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
    if (it->second.close_at_ms <= now_ms)
      close_grant(it, it->second.record.deadline ? kOpenForElapsed : "max_grant_lifetime elapsed");
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
    if (!keep || !it->second.record.deadline) close_grant(it, "shutdown");
    it = next;
  }
  if (!grants_.empty())
    log_.line(str_cat(std::to_string(grants_.size()), " grants stay open until their open_for ends "
                                                      "(keep_grants_on_shutdown)"));
  rules_->backend->stop(!grants_.empty());
}

std::optional<std::uint64_t> Grants::next_deadline_in(std::uint64_t now_ms) const {
  std::optional<std::uint64_t> soonest;
  for (const auto& [key, grant] : grants_) {
    const std::uint64_t in = grant.close_at_ms > now_ms ? grant.close_at_ms - now_ms : 0;
    soonest = soonest ? std::min(*soonest, in) : in;
  }
  return soonest;
}

}  // namespace sesame
