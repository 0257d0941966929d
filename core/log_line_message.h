// The sniffer's log lines on their way to the log file: after the privilege drop the
// sniffer holds no descriptor on that root-owned file, and sends each line to the helper,
// which writes it (daemon/helper/sniffer_lines.h). Behind core/ipc.h's common header;
// the text is the sniffer's, so the helper trusts nothing in it but its length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>
#include <vector>

#include "core/ipc.h"

namespace sesame {

// The longest text a message carries: a statistics line with every reject reason
// counted fits; a longer line is cut by the encoder and says so.
inline constexpr std::size_t kLogLineMaxBytes = 1024;
inline constexpr std::size_t kLogLineMessageMaxSize = kIpcHeaderSize + kLogLineMaxBytes;

struct LogLineReport {
  std::string_view text;  // into the decoded bytes; any byte at all
  bool cut = false;       // the sniffer cut a longer line to kLogLineMaxBytes
  friend bool operator==(const LogLineReport&, const LogLineReport&) = default;
};

// `text`, cut to kLogLineMaxBytes (and marked so) when longer.
std::vector<std::uint8_t> encode_log_line(std::string_view text);
// Refuses (kSize) fewer bytes than the header or more than kLogLineMessageMaxSize, an
// unknown version or type, a cut byte other than 0 or 1, or 1 on a text shorter than kLogLineMaxBytes (kCut), a set reserved byte
// and a generation other than 0 (kReserved): a line belongs to no config.
std::expected<LogLineReport, IpcReject> decode_log_line(std::span<const std::uint8_t> bytes);

}  // namespace sesame
