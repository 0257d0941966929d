// /proc/net/vlan/config, read once at start.
#include "daemon/sniffer/vlans.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace sesame {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::vector<std::uint16_t> parse_vlan_config(std::string_view text, std::string_view device) {
  std::vector<std::uint16_t> out;
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const auto bar1 = line.find('|');
    const auto bar2 = bar1 == std::string_view::npos ? bar1 : line.find('|', bar1 + 1);
    if (bar2 == std::string_view::npos) continue;  // the header lines
    if (trim(line.substr(bar2 + 1)) != device) continue;
    const std::string_view id = trim(line.substr(bar1 + 1, bar2 - bar1 - 1));
    std::uint16_t value = 0;
    const auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
    if (ec == std::errc{} && ptr == id.data() + id.size() && value < 4096 &&
        std::ranges::find(out, value) == out.end())
      out.push_back(value);
  }
  return out;
}

std::vector<std::uint16_t> vlan_ids_on(const std::string& device) {
  std::ifstream in("/proc/net/vlan/config");
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return parse_vlan_config(text.str(), device);
}

}  // namespace sesame
