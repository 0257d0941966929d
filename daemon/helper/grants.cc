// The helper's open grants. ufw calls are made one after the other from the helper's
// only thread, so two changes to the firewall never overlap.
#include "daemon/helper/grants.h"

#include "core/str_cat.h"
#include "daemon/helper/spawn.h"

namespace sesame {
namespace {

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += str_cat(out.empty() ? "" : " ", a);
  return out;
}

std::string ports_text(const std::vector<UfwRule>& rules) {
  std::string out;
  for (const UfwRule& r : rules)
    out += str_cat(out.empty() ? "" : ",", std::to_string(r.port.port), "/", protocol_name(r.port.protocol));
  return out;
}

}  // namespace

bool Grants::run_ufw(const std::vector<std::string>& argv) {
  auto result = spawn_and_wait(argv);
  if (!result) {
    log_.line(str_cat("error: ", join(argv), ": ", format_sys_error(result.error())));
    return false;
  }
  if (result->exit_status != 0) {
    log_.line(str_cat("error: ", join(argv), " exited with status ", std::to_string(result->exit_status), ": ",
                      result->output));
    return false;
  }
  return true;
}

std::expected<void, SysError> Grants::close_leftovers() {
  std::size_t skipped = 0;
  auto rules = journal_.read(skipped);
  if (!rules) return std::unexpected(rules.error());
  if (skipped)
    log_.line(str_cat("warning: ", journal_.path(), ": ", std::to_string(skipped), " unreadable lines ignored"));
  for (const UfwRule& r : *rules) {
    log_.line(str_cat("closing ", format_ufw_rule(r), ", left open by a previous run"));
    run_ufw(ufw_close_argv(r));
  }
  return journal_.write({});
}

bool Grants::save_journal(std::span<const UfwRule> extra) {
  std::vector<UfwRule> all;
  for (const auto& [key, grant] : grants_) all.insert(all.end(), grant.rules.begin(), grant.rules.end());
  all.insert(all.end(), extra.begin(), extra.end());
  if (auto ok = journal_.write(all); !ok) {
    log_.line(str_cat("error: journal: ", format_sys_error(ok.error())));
    return false;
  }
  return true;
}

void Grants::open(std::size_t door, const Address& source, std::uint64_t now_ms) {
  const ConfigDoor& d = config_.doors[door];
  const std::string who = str_cat(source.to_string(), ": ", d.door.name);
  std::optional<std::uint64_t> close_at;
  if (d.open_for) close_at = now_ms + std::uint64_t{*d.open_for} * 1000;
  if (auto it = grants_.find({door, source}); it != grants_.end()) {
    // Already open: the rules stay, only the closing time moves.
    it->second.close_at_ms = close_at;
    log_.line(str_cat(who, ": already open, ", close_at ? str_cat("closes in ", std::to_string(*d.open_for), "s")
                                                        : std::string("stays open")));
    return;
  }
  if (d.open_ports.empty()) {
    log_.line(str_cat(who, ": the door opens no port (set `open` for the ufw backend)"));
    return;
  }
  if (grants_.size() >= kMaxGrants) {
    log_.line(str_cat(who, ": refused, ", std::to_string(kMaxGrants), " grants are open already"));
    return;
  }
  Grant grant{.close_at_ms = close_at, .rules = {}};
  for (const KnockStep& p : d.open_ports) grant.rules.push_back({.source = source, .port = p, .door = d.door.name});
  // Journal first: a crash between here and ufw leaves a line whose delete is harmless.
  if (!save_journal(grant.rules)) {
    log_.line(str_cat(who, ": not opened, the journal could not be written"));
    return;
  }
  bool all_ok = true;
  for (const UfwRule& r : grant.rules) all_ok = run_ufw(ufw_open_argv(r)) && all_ok;
  const std::string ports = ports_text(grant.rules);
  grants_.emplace(Key{door, source}, std::move(grant));
  log_.line(str_cat(who, ": opened ", ports, all_ok ? "" : " (with errors)",
                    close_at ? str_cat(" for ", std::to_string(*d.open_for), "s") : std::string()));
}

void Grants::close(std::size_t door, const Address& source) {
  if (auto it = grants_.find({door, source}); it != grants_.end()) close_grant(it, "close sequence");
}

void Grants::close_grant(std::map<Key, Grant>::iterator it, std::string_view why) {
  const std::string who = str_cat(it->first.second.to_string(), ": ", config_.doors[it->first.first].door.name);
  const std::vector<UfwRule> rules = std::move(it->second.rules);
  grants_.erase(it);
  for (const UfwRule& r : rules) run_ufw(ufw_close_argv(r));
  // The journal keeps a rule until its delete has run.
  save_journal();
  log_.line(str_cat(who, ": closed ", ports_text(rules), " (", why, ")"));
}

void Grants::expire(std::uint64_t now_ms) {
  for (auto it = grants_.begin(); it != grants_.end();) {
    auto next = std::next(it);
    if (it->second.close_at_ms && *it->second.close_at_ms <= now_ms) close_grant(it, "open_for elapsed");
    it = next;
  }
}

void Grants::close_all() {
  while (!grants_.empty()) close_grant(grants_.begin(), "shutdown");
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
