// ufw's command lines for a grant, and the ufw backend.
#include "daemon/helper/ufw.h"

#include "core/knock.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

std::vector<std::string> rule_argv(std::string_view verb, const Address& source, KnockStep port,
                                   std::string_view door) {
  return {"ufw", std::string(verb), "allow", "from", source.to_string(), "to", "any", "port",
          std::to_string(port.port), "proto", std::string(protocol_name(port.protocol)), "comment",
          str_cat("sesame ", door)};
}

}  // namespace

std::vector<std::string> ufw_open_argv(const Address& source, KnockStep port, std::string_view door) {
  return rule_argv("prepend", source, port, door);
}

std::vector<std::string> ufw_close_argv(const Address& source, KnockStep port, std::string_view door) {
  return rule_argv("delete", source, port, door);
}

bool UfwBackend::open(std::size_t, const GrantRecord& record, std::optional<std::uint32_t>) {
  bool all_ok = true;
  for (const KnockStep& p : record.ports) all_ok = run(ufw_open_argv(record.source, p, record.door)) && all_ok;
  return all_ok;
}

bool UfwBackend::close(std::size_t, const GrantRecord& record) {
  bool all_ok = true;
  for (const KnockStep& p : record.ports) all_ok = run(ufw_close_argv(record.source, p, record.door)) && all_ok;
  return all_ok;
}

void UfwBackend::close_leftover(const GrantRecord& record) { close(0, record); }

}  // namespace sesame
