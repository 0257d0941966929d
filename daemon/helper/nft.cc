// sesame's nftables table as nft's own language, and the commands that change its sets.
#include "daemon/helper/nft.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <utility>

#include "core/knock.h"
#include "core/str_cat.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {
namespace {

// "{ 198.18.0.2 . tcp . 2222 timeout 3s, ... }"
std::string elements(const GrantRecord& record, std::optional<std::uint32_t> seconds) {
  std::string out;
  for (const KnockStep& p : record.ports)
    out += str_cat(out.empty() ? "{ " : ", ", record.source.to_string(), " . ", protocol_name(p.protocol), " . ",
                   std::to_string(p.port), seconds ? str_cat(" timeout ", std::to_string(*seconds), "s") : "");
  return out + " }";
}

// nft reads its arguments as one line of commands, ';' between them, one transaction.
std::vector<std::string> element_command(std::string_view verb, std::size_t door, const GrantRecord& record,
                                         std::optional<std::uint32_t> seconds) {
  return {std::string(verb), "element", "inet", std::string(kNftTable),
          nft_set_name(door, !record.source.is_v4()), elements(record, seconds)};
}

std::vector<std::string> nft_argv(std::initializer_list<std::vector<std::string>> commands) {
  std::vector<std::string> argv{"nft"};
  for (const std::vector<std::string>& c : commands) {
    if (argv.size() > 1) argv.push_back(";");
    argv.insert(argv.end(), c.begin(), c.end());
  }
  return argv;
}

bool write_file(const std::string& path, std::string_view text) {
  // In the state directory, which Journal::open found root's and 0700: the name is not
  // followed, so not even a symlink left there earlier redirects the write.
  const UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return false;
  while (!text.empty()) {
    const ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string nft_set_name(std::size_t door, bool ipv6) {
  return str_cat("door", std::to_string(door), ipv6 ? "_v6" : "_v4");
}

std::string nft_table_script(const Config& config) {
  const std::string table = str_cat("inet ", kNftTable);
  std::string out = str_cat("add table ", table, "\ndelete table ", table, "\ntable ", table, " {\n");
  std::string accepts;
  std::set<std::pair<Protocol, std::uint16_t>> ports;
  for (std::size_t i = 0; i < config.doors.size(); ++i) {
    out += str_cat("  # ", std::to_string(i), ": ", config.doors[i].door.name, "\n");
    for (const bool v6 : {false, true}) {
      const std::string set = nft_set_name(i, v6);
      out += str_cat("  set ", set, " { type ", v6 ? "ipv6_addr" : "ipv4_addr",
                     " . inet_proto . inet_service; flags timeout; }\n");
      accepts += str_cat("    ", v6 ? "ip6" : "ip", " saddr . meta l4proto . th dport @", set, " accept\n");
    }
    for (const KnockStep& p : config.doors[i].open_ports) ports.insert({p.protocol, p.port});
  }
  out += str_cat("  chain input {\n    type filter hook input priority filter; policy accept;\n",
                 "    ct state established,related accept\n", accepts);
  for (const auto& [protocol, port] : ports)
    out += str_cat("    ", protocol_name(protocol), " dport ", std::to_string(port), " drop\n");
  return out + "  }\n}\n";
}

std::vector<std::string> nft_add_argv(std::size_t door, const GrantRecord& record,
                                      std::optional<std::uint32_t> seconds) {
  return nft_argv({element_command("add", door, record, seconds)});
}

std::vector<std::string> nft_renew_argv(std::size_t door, const GrantRecord& record, std::uint32_t seconds) {
  return nft_argv({element_command("add", door, record, std::nullopt),
                   element_command("delete", door, record, std::nullopt),
                   element_command("add", door, record, seconds)});
}

std::vector<std::string> nft_delete_argv(std::size_t door, const GrantRecord& record) {
  return nft_argv({element_command("add", door, record, std::nullopt),
                   element_command("delete", door, record, std::nullopt)});
}

std::vector<std::string> nft_delete_table_argv() {
  const std::vector<std::string> table{"table", "inet", std::string(kNftTable)};
  std::vector<std::string> add{"add"}, del{"delete"};
  add.insert(add.end(), table.begin(), table.end());
  del.insert(del.end(), table.begin(), table.end());
  return nft_argv({add, del});
}

std::string nft_add_script(const std::vector<NftOpen>& opens) {
  std::string out;
  for (const NftOpen& o : opens) {
    for (const std::string& word : element_command("add", o.door, o.record, o.seconds))
      out += str_cat(word, " ");
    out.back() = '\n';
  }
  return out;
}

bool NftBackend::start() {
  if (!write_file(script_path_, nft_table_script(config_))) {
    log_.line(format_sys_error(sys_error(str_cat("write ", script_path_))));
    return false;
  }
  return run({"nft", "-f", script_path_});
}

bool NftBackend::open(std::size_t door, const GrantRecord& record, std::optional<std::uint32_t> seconds) {
  if (!batching_) return run(nft_add_argv(door, record, seconds));
  recorded_.push_back({.door = door, .record = record, .seconds = seconds});
  return true;
}

void NftBackend::flush() {
  if (recorded_.empty()) return;
  std::vector<NftOpen> opens = std::exchange(recorded_, {});
  if (opens.size() > 1) {
    if (!write_file(batch_path_, nft_add_script(opens)))
      log_.line(format_sys_error(sys_error(str_cat("write ", batch_path_))));
    else if (run({"nft", "-f", batch_path_}))
      return;
  }
  for (const NftOpen& o : opens)
    if (!run(nft_add_argv(o.door, o.record, o.seconds))) refused_.push_back(o.record);
}

std::vector<GrantRecord> NftBackend::end_batch(bool apply) {
  batching_ = false;
  if (apply) {
    flush();
  } else {
    for (NftOpen& o : std::exchange(recorded_, {})) refused_.push_back(std::move(o.record));
  }
  return std::exchange(refused_, {});
}

bool NftBackend::extend(std::size_t door, const GrantRecord& record, std::uint32_t seconds) {
  return run(nft_renew_argv(door, record, seconds));
}

bool NftBackend::close(std::size_t door, const GrantRecord& record) { return run(nft_delete_argv(door, record)); }

bool NftBackend::adopt(std::size_t door, const GrantRecord& record, std::uint32_t seconds) {
  return open(door, record, seconds);
}

void NftBackend::close_leftover(const GrantRecord&) { run(nft_delete_table_argv()); }

void NftBackend::stop(bool keep) {
  if (!keep) run(nft_delete_table_argv());
}

}  // namespace sesame
