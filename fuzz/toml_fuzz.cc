// parse_toml_config on arbitrary text. Whatever it accepts must write back as TOML
// that reads as the same config (write_toml_config is a fixed point).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/config/config_toml.h"
#include "core/config/memory_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sesame::ReadFile kFiles =
      sesame::memory_files({{"one_time.seq", "#1,2\n3,4:udp\n"}});
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = sesame::parse_toml_config(text, "fuzz.toml", kFiles);
  if (!parsed) {
    (void)sesame::format_config_error(parsed.error());
    return 0;
  }
  const std::string written = sesame::write_toml_config(parsed->config);
  const auto again = sesame::parse_toml_config(written, "written.toml", kFiles);
  if (!again || sesame::write_toml_config(again->config) != written) std::abort();
  return 0;
}
