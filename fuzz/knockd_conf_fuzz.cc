// parse_knockd_conf on arbitrary text. Whatever it accepts, import-knockd's TOML must
// read back as the same doors (compared through the writer, which prints every field).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/config/config_toml.h"
#include "core/config/knockd_conf.h"
#include "core/config/memory_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sesame::ReadFile kFiles =
      sesame::memory_files({{"one_time.seq", "#1,2\n3,4:udp\n"}});
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = sesame::parse_knockd_conf(text, "fuzz.conf", kFiles);
  if (!parsed) {
    (void)sesame::format_config_error(parsed.error());
    return 0;
  }
  for (const sesame::ConfigError& w : parsed->warnings) (void)sesame::format_config_warning(w);
  const std::string toml = sesame::write_toml_config(parsed->config);
  const auto back = sesame::parse_toml_config(toml, "imported.toml", kFiles);
  if (!back || sesame::write_toml_config(back->config) != toml) std::abort();
  return 0;
}
