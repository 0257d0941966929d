// One line per digest: 64 hex digits, a space, the Unix second it may be forgotten at.
#include "daemon/helper/spa_replay_file.h"

#include <charconv>

#include "core/str_cat.h"
#include "daemon/helper/durable_file.h"
#include "daemon/helper/state_dir.h"

namespace sesame {
namespace {

// kSpaReplayCapacity lines of 64 + 1 + 20 + 1 bytes, rounded up.
constexpr std::size_t kMaxFileSize = std::size_t{8} << 20;
constexpr const char* kFileName = "spa-replays";
constexpr char kHex[] = "0123456789abcdef";

std::optional<std::pair<SpaPayloadDigest, std::int64_t>> parse_line(std::string_view line) {
  SpaPayloadDigest d{};
  if (line.size() < 66 || line[64] != ' ') return std::nullopt;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const auto hi = std::string_view(kHex).find(line[2 * i]);
    const auto lo = std::string_view(kHex).find(line[2 * i + 1]);
    if (hi == std::string_view::npos || lo == std::string_view::npos) return std::nullopt;
    d[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  std::int64_t until = 0;
  const std::string_view number = line.substr(65);
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), until);
  if (ec != std::errc{} || end != number.data() + number.size()) return std::nullopt;
  return std::pair(d, until);
}

}  // namespace

std::expected<SpaReplayFile, SysError> SpaReplayFile::open(std::string dir, std::int64_t now_s,
                                                           std::size_t& skipped) {
  auto dir_fd = open_state_dir(dir);
  if (!dir_fd) return std::unexpected(dir_fd.error());
  SpaReplayFile f(std::move(*dir_fd), dir, str_cat(dir, "/", kFileName));
  skipped = 0;
  auto text = read_state_file(f.dir_fd_.get(), f.dir_, kFileName, kMaxFileSize);
  if (!text) return std::unexpected(text.error());
  for (std::size_t begin = 0, end; begin < text->size(); begin = end + 1) {
    end = std::min(text->find('\n', begin), text->size());
    if (end == begin) continue;
    const auto entry = parse_line(std::string_view(*text).substr(begin, end - begin));
    if (!entry) {
      ++skipped;
      continue;
    }
    if (entry->second > now_s) f.cache_.insert(entry->first, entry->second, now_s);
  }
  return f;
}

std::expected<void, SysError> SpaReplayFile::record(const SpaPayloadDigest& digest, std::int64_t until_s,
                                                    std::int64_t now_s) {
  cache_.prune(now_s);
  if (!cache_.insert(digest, until_s, now_s))
    return std::unexpected(SysError{str_cat(path_, ": full of packets still inside their age window"), 0});
  std::string text;
  for (const auto& [d, until] : cache_.entries()) {
    for (std::uint8_t b : d) {
      text += kHex[b >> 4];
      text += kHex[b & 0xf];
    }
    text += str_cat(" ", std::to_string(until), "\n");
  }
  return replace_state_file(dir_fd_.get(), dir_, kFileName, text);
}

}  // namespace sesame
