// The backends' shared defaults, the logged command runner, and the choice of backend.
#include "daemon/helper/backend.h"

#include "core/str_cat.h"
#include "daemon/helper/exec.h"
#include "daemon/helper/nft.h"
#include "daemon/helper/spawn.h"
#include "daemon/helper/ufw.h"

namespace sesame {
namespace {

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += str_cat(out.empty() ? "" : " ", a);
  return out;
}

}  // namespace

std::optional<std::string> Backend::missing_program() const {
  for (const std::string& p : programs())
    if (!find_program(p)) return p;
  return std::nullopt;
}

bool Backend::tracks(std::size_t, const Address&) const { return true; }
bool Backend::extend(std::size_t, const GrantRecord&, std::uint32_t) { return true; }
bool Backend::adopt(std::size_t, const GrantRecord&, std::uint32_t) { return true; }
void Backend::stop(bool) {}

bool Backend::run(const std::vector<std::string>& argv) const {
  auto result = spawn_and_wait(argv, kCommandTimeout, while_waiting_.ready ? &while_waiting_ : nullptr);
  if (!result) {
    log_.line(str_cat("error: ", join(argv), ": ", format_sys_error(result.error())));
    return false;
  }
  if (result->timed_out) {
    log_.line(str_cat("error: ", join(argv), " did not finish in ", std::to_string(kCommandTimeout.count() / 1000),
                      " s and was killed", result->output.empty() ? "" : ": ", result->output));
    return false;
  }
  if (result->exit_status != 0) {
    log_.line(str_cat("error: ", join(argv), " exited with status ", std::to_string(result->exit_status), ": ",
                      result->output));
    return false;
  }
  return true;
}

std::unique_ptr<Backend> make_backend(FirewallBackend kind, const Config& config, const std::string& state_dir,
                                      const Log& log) {
  switch (kind) {
    case FirewallBackend::kUfw: return std::make_unique<UfwBackend>(config, log);
    case FirewallBackend::kNft: return std::make_unique<NftBackend>(config, state_dir, log);
    case FirewallBackend::kExec: return std::make_unique<ExecBackend>(config, log);
  }
  return nullptr;
}

}  // namespace sesame
