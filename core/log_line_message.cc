// kLogLine's layout, encoder and decoder.
#include "core/log_line_message.h"

#include <algorithm>

namespace sesame {

// kLogLine: the common header (core/ipc.cc) with byte 2 saying whether the line was
// cut, and generation 0, then the text, which fills the rest of the record:
//
//    0        1        2        3
//   +--------+--------+--------+--------+
//   | 2      | 7      | cut 0/1| 0      |   cut 1: the text is kLogLineMaxBytes long
//   +--------+--------+--------+--------+
//   |          0 (no generation)        |
//   +--------+--------+--------+--------+
//   |  text, 0 to kLogLineMaxBytes bytes |   no terminator: the record's length ends it
//   +--------+--------+--------+--------+
static_assert(kLogLineMessageMaxSize > kIpcMessageSize, "a log line message may be the largest record");

std::vector<std::uint8_t> encode_log_line(std::string_view text) {
  const bool cut = text.size() > kLogLineMaxBytes;
  if (cut) text = text.substr(0, kLogLineMaxBytes);
  std::vector<std::uint8_t> m(kIpcHeaderSize + text.size());
  put_ipc_header(std::span(m).first<kIpcHeaderSize>(), IpcType::kLogLine, cut ? 1 : 0, 0);
  std::ranges::copy(text, m.begin() + kIpcHeaderSize);
  return m;
}

std::expected<LogLineReport, IpcReject> decode_log_line(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kIpcHeaderSize || bytes.size() > kLogLineMessageMaxSize) return std::unexpected(IpcReject::kSize);
  const IpcHeader h = read_ipc_header(bytes.first<kIpcHeaderSize>());
  if (auto why = ipc_header_reject(h, IpcType::kLogLine)) return std::unexpected(*why);
  const std::span<const std::uint8_t> text = bytes.subspan(kIpcHeaderSize);
  // Only a line of the longest length can have been cut.
  if (h.byte2 > 1 || (h.byte2 == 1 && text.size() != kLogLineMaxBytes)) return std::unexpected(IpcReject::kCut);
  if (h.reserved != 0 || h.generation != 0) return std::unexpected(IpcReject::kReserved);
  return LogLineReport{.text = std::string_view(reinterpret_cast<const char*>(text.data()), text.size()),
                       .cut = h.byte2 == 1};
}

}  // namespace sesame
