#include "daemon/sniffer/packet_line.h"

#include "core/config/config_values.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

std::string endpoint(const Address& address, std::uint16_t port) {
  const std::string text = address.to_string();
  return str_cat(address.is_v4() ? text : str_cat("[", text, "]"), ":", std::to_string(port));
}

}  // namespace

std::string packet_line(std::string_view interface, const Knock& knock) {
  std::string line = str_cat("packet on ", interface, ": ", protocol_name(knock.protocol), " ",
                             endpoint(knock.src, knock.src_port), " -> ", endpoint(knock.dst, knock.dst_port));
  if (knock.protocol != Protocol::kTcp) return line;
  std::string flags;
  for (const auto& [bit, name] : kTcpFlagNames)
    if (knock.tcp_flags & bit) flags += str_cat(flags.empty() ? "" : ",", name);
  return str_cat(line, " flags ", flags.empty() ? "none" : flags);
}

}  // namespace sesame
