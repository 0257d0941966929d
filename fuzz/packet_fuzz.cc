// libFuzzer target for parse_frame: the first byte's low bit is vlan_tag_out_of_band, the
// rest is the frame.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> frame(data + 1, size - 1);
  const auto knock = sesame::parse_frame(frame, (data[0] & 1) != 0);
  // The parser never reads the payload, so ASan alone would miss a view that strays.
  if (knock && !knock->payload.empty() &&
      (knock->payload.data() < frame.data() ||
       knock->payload.data() + knock->payload.size() > frame.data() + frame.size()))
    __builtin_trap();
  return 0;
}
