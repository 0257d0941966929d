// libFuzzer target for decode_match, decode_reload and decode_log_line: the decoders of
// the messages between the sniffer and the helper.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/escaped_line.h"
#include "core/ipc.h"
#include "core/log_line_message.h"

namespace {

// What decodes must encode back to the same bytes: no field is silently ignored.
template <typename Message>
void check_round_trip(const Message& again, const std::uint8_t* data, std::size_t size) {
  if (again.size() != size) __builtin_trap();
  for (std::size_t i = 0; i < again.size(); ++i)
    if (again[i] != data[i]) __builtin_trap();
}

// The helper's rendering of a sniffer's line: one printable line, never longer than
// the bound and its mark.
void check_escaped(const sesame::LogLineReport& line) {
  const std::string out = sesame::escaped_line(line.text, sesame::kLogLineMaxBytes, line.cut);
  if (out.size() > sesame::kLogLineMaxBytes + sesame::kCutMark.size()) __builtin_trap();
  for (const char c : out)
    if ((c < 0x20 && c != '\t') || c == 0x7f || static_cast<unsigned char>(c) >= 0x80) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  if (auto report = sesame::decode_match(bytes)) check_round_trip(sesame::encode_match(*report), data, size);
  for (const sesame::IpcType type : {sesame::IpcType::kReload, sesame::IpcType::kReloadReply})
    if (auto reload = sesame::decode_reload(bytes, type)) check_round_trip(sesame::encode_reload(*reload), data, size);
  if (auto line = sesame::decode_log_line(bytes)) {
    // A cut line was longer than what it carries: one byte more is cut the same way.
    check_round_trip(sesame::encode_log_line(line->cut ? std::string(line->text) + "x" : std::string(line->text)), data,
                     size);
    check_escaped(*line);
  }
  return 0;
}
