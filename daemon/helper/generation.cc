// Loading a generation, and what a reload may not change.
#include "daemon/helper/generation.h"

#include "core/config/config_error.h"
#include "core/str_cat.h"
#include "daemon/helper/nft.h"
#include "daemon/sys/config_file.h"
#include "daemon/sys/strict_modes.h"

namespace sesame {

std::expected<std::shared_ptr<const Generation>, std::string> make_generation(ParsedConfig parsed,
                                                                              const std::string& config_path,
                                                                              const std::string& state_dir,
                                                                              const Log& log) {
  if (auto refusal = strict_modes_refusal(config_path, parsed.config))
    return std::unexpected(format_config_error(*refusal));
  auto generation = std::make_shared<Generation>();
  generation->id = parsed.generation;
  generation->config = std::move(parsed.config);
  generation->doors = matcher_doors(generation->config);
  generation->backend = make_backend(generation->config.firewall, generation->config, state_dir, log);
  if (auto missing = generation->backend->missing_program())
    return std::unexpected(str_cat("the ", firewall_backend_name(generation->config.firewall), " backend runs ",
                                   *missing, ", which is not installed (looked in /usr/sbin, /usr/bin, /sbin, /bin)"));
  return generation;
}

std::expected<std::shared_ptr<const Generation>, std::string> load_generation(const std::string& config_path,
                                                                              const std::string& state_dir,
                                                                              const Log& log) {
  auto parsed = load_config_file(config_path);
  if (!parsed) return std::unexpected(format_config_error(parsed.error()));
  return make_generation(std::move(*parsed), config_path, state_dir, log);
}

std::optional<std::string> reload_refusal(const Generation& running, const Generation& next) {
  const FirewallBackend before = running.config.firewall;
  if (next.config.firewall != before)
    return str_cat("firewall changed from ", firewall_backend_name(before), " to ",
                   firewall_backend_name(next.config.firewall), "; that needs a restart");
  if (before == FirewallBackend::kNft && nft_table_script(next.config) != nft_table_script(running.config))
    return "the nft backend builds its table once, at start: changes to the doors' ports need a restart";
  return std::nullopt;
}

std::shared_ptr<const GrantRules> grant_rules(const std::shared_ptr<const Generation>& generation) {
  return std::make_shared<const GrantRules>(
      GrantRules{.config = &generation->config, .backend = generation->backend.get(), .owner = generation});
}

}  // namespace sesame
