// The grant journal: one grant per line, replaced whole and synced on every change.
#include "daemon/helper/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "core/config/config_values.h"
#include "core/str_cat.h"
#include "daemon/helper/durable_file.h"
#include "daemon/helper/state_dir.h"
#include "daemon/sys/unique_fd.h"

namespace sesame {
namespace {

constexpr const char* kJournalName = "grants";

// A journal this large was not written by the helper.
constexpr std::size_t kMaxJournalSize = std::size_t{16} << 20;

// Stands for an empty port list or no deadline.
constexpr std::string_view kNone = "-";

// Cuts the text up to the next space off `line`.
std::string_view next_word(std::string_view& line) {
  const std::size_t space = std::min(line.find(' '), line.size());
  const std::string_view word = line.substr(0, space);
  line.remove_prefix(std::min(space + 1, line.size()));
  return word;
}

std::optional<std::vector<KnockStep>> parse_ports(std::string_view text) {
  std::vector<KnockStep> ports;
  if (text == kNone) return ports;
  for (std::size_t begin = 0, end; begin <= text.size(); begin = end + 1) {
    end = std::min(text.find(',', begin), text.size());
    const std::string_view item = text.substr(begin, end - begin);
    const std::size_t slash = item.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const auto port = parse_decimal(item.substr(0, slash), 65535);
    const auto protocol = protocol_from_name(item.substr(slash + 1));
    if (!port || *port == 0 || !protocol) return std::nullopt;
    ports.push_back({*protocol, static_cast<std::uint16_t>(*port)});
  }
  return ports;
}

}  // namespace

std::string format_grant_record(const GrantRecord& r) {
  std::string ports;
  for (const KnockStep& p : r.ports)
    ports += str_cat(ports.empty() ? "" : ",", std::to_string(p.port), "/", protocol_name(p.protocol));
  return str_cat(firewall_backend_name(r.backend), " ", r.source.to_string(), " ", ports.empty() ? kNone : ports,
                 " ", r.deadline ? std::to_string(*r.deadline) : std::string(kNone), " ", r.door);
}

std::optional<GrantRecord> parse_grant_record(std::string_view line) {
  GrantRecord r;
  const auto backend = firewall_backend_from_name(next_word(line));
  const auto source = Address::parse(next_word(line));
  auto ports = parse_ports(next_word(line));
  const std::string_view deadline = next_word(line);
  if (!backend || !source || !ports || deadline.empty() || line.empty()) return std::nullopt;
  if (deadline != kNone) {
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(deadline.data(), deadline.data() + deadline.size(), seconds);
    if (ec != std::errc() || end != deadline.data() + deadline.size() || seconds < 0) return std::nullopt;
    r.deadline = seconds;
  }
  r.backend = *backend;
  r.source = *source;
  r.ports = std::move(*ports);
  r.door = std::string(line);
  return r;
}

std::expected<Journal, SysError> Journal::open(std::string dir) {
  auto fd = open_state_dir(dir);
  if (!fd) return std::unexpected(fd.error());
  Journal j;
  j.dir_fd_ = std::move(*fd);
  j.path_ = str_cat(dir, "/", kJournalName);
  j.dir_ = std::move(dir);
  return j;
}

std::expected<std::vector<GrantRecord>, SysError> Journal::read(std::size_t& skipped) const {
  skipped = 0;
  std::vector<GrantRecord> records;
  auto read = read_state_file(dir_fd_.get(), dir_, kJournalName, kMaxJournalSize);
  if (!read) return std::unexpected(read.error());
  const std::string& text = *read;
  for (std::size_t begin = 0, end; begin < text.size(); begin = end + 1) {
    end = std::min(text.find('\n', begin), text.size());
    if (end == begin) continue;
    if (auto record = parse_grant_record(std::string_view(text).substr(begin, end - begin)))
      records.push_back(std::move(*record));
    else
      ++skipped;
  }
  return records;
}

std::expected<void, SysError> Journal::write(std::span<const GrantRecord> records) const {
  std::string text;
  for (const GrantRecord& r : records) text += str_cat(format_grant_record(r), "\n");
  return replace_state_file(dir_fd_.get(), dir_, kJournalName, text);
}

}  // namespace sesame
