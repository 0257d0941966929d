// libFuzzer target for decode_spa_open: the helper's decoder of the sniffer's SPA message.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/spa_open_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // What decodes must encode back to the same bytes: no field is silently ignored.
  if (auto report = sesame::decode_spa_open(std::span(data, size))) {
    const sesame::SpaOpenMessage again = sesame::encode_spa_open(*report);
    for (std::size_t i = 0; i < again.size(); ++i)
      if (again[i] != data[i]) __builtin_trap();
  }
  return 0;
}
