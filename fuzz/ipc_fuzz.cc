// libFuzzer target for decode_match: the helper's decoder of the sniffer's message.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/ipc.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  // What decodes must encode back to the same bytes: no field is silently ignored.
  if (auto report = sesame::decode_match(bytes)) {
    const sesame::IpcMessage again = sesame::encode_match(*report);
    for (std::size_t i = 0; i < again.size(); ++i)
      if (again[i] != data[i]) __builtin_trap();
  }
  return 0;
}
