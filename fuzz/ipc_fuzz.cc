// libFuzzer target for decode_match and decode_reload: the decoders of the messages
// between the sniffer and the helper.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/ipc.h"

namespace {

// What decodes must encode back to the same bytes: no field is silently ignored.
template <typename Message>
void check_round_trip(const Message& again, const std::uint8_t* data) {
  for (std::size_t i = 0; i < again.size(); ++i)
    if (again[i] != data[i]) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  if (auto report = sesame::decode_match(bytes)) check_round_trip(sesame::encode_match(*report), data);
  for (const sesame::IpcType type : {sesame::IpcType::kReload, sesame::IpcType::kReloadReply})
    if (auto reload = sesame::decode_reload(bytes, type)) check_round_trip(sesame::encode_reload(*reload), data);
  return 0;
}
