// ufw's command lines for a grant, and the journal's text for one rule.
#include "daemon/helper/ufw.h"

#include <charconv>

#include "core/knock.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

std::vector<std::string> rule_argv(std::string_view verb, const UfwRule& rule) {
  return {"ufw", std::string(verb), "allow", "from", rule.source.to_string(), "to", "any",
          "port", std::to_string(rule.port.port), "proto", std::string(protocol_name(rule.port.protocol))};
}

}  // namespace

std::vector<std::string> ufw_open_argv(const UfwRule& rule) {
  std::vector<std::string> argv = rule_argv("prepend", rule);
  argv.push_back("comment");
  argv.push_back(str_cat("sesame ", rule.door));
  return argv;
}

std::vector<std::string> ufw_close_argv(const UfwRule& rule) { return rule_argv("delete", rule); }

std::string format_ufw_rule(const UfwRule& rule) {
  return str_cat(rule.source.to_string(), " ", std::to_string(rule.port.port), "/",
                 protocol_name(rule.port.protocol), " ", rule.door);
}

std::optional<UfwRule> parse_ufw_rule(std::string_view line) {
  const std::size_t space1 = line.find(' ');
  if (space1 == std::string_view::npos) return std::nullopt;
  const std::size_t space2 = line.find(' ', space1 + 1);
  if (space2 == std::string_view::npos) return std::nullopt;
  auto source = Address::parse(line.substr(0, space1));
  const std::string_view port_proto = line.substr(space1 + 1, space2 - space1 - 1);
  const std::size_t slash = port_proto.find('/');
  if (!source || slash == std::string_view::npos) return std::nullopt;
  std::uint16_t port = 0;
  const auto [end, ec] = std::from_chars(port_proto.data(), port_proto.data() + slash, port);
  if (ec != std::errc() || end != port_proto.data() + slash || port == 0) return std::nullopt;
  const std::string_view proto = port_proto.substr(slash + 1);
  if (proto != "tcp" && proto != "udp") return std::nullopt;
  return UfwRule{.source = *source,
                 .port = {.protocol = proto == "udp" ? Protocol::kUdp : Protocol::kTcp, .port = port},
                 .door = std::string(line.substr(space2 + 1))};
}

}  // namespace sesame
