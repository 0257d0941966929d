// nft: sesame's own nftables table, with one set per door and address family whose
// elements (address . protocol . port) are the open grants, and the backend that fills it.
//
// The table, inet sesame, is self-contained: a base chain on the input hook accepts a
// door's ports from the set's members and drops them for everyone else (connections
// already established stay, as with ufw). An accept here ends only this chain's
// verdict: a packet that another table (ufw, iptables-nft, an admin's own ruleset)
// drops stays dropped, so other firewalls must let the door ports through and leave
// the choice to sesame. Elements carry the door's open_for as a kernel timeout: the
// kernel closes a grant even when sesame is gone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "daemon/helper/backend.h"

namespace sesame {

// The table's name; its family is inet (one table for IPv4 and IPv6).
inline constexpr std::string_view kNftTable = "sesame";

// The set that holds config door `door`'s grants for one family: "door0_v4".
std::string nft_set_name(std::size_t door, bool ipv6);

// nft -f input that replaces sesame's table in one transaction: add table (so that
// the delete cannot fail), delete table (with whatever a previous run left in it),
// then the whole table for `config`'s doors.
std::string nft_table_script(const Config& config);

// nft add element inet sesame SET { ADDR . PROTO . PORT [timeout Ns], ... }: the
// grant's ports, with a kernel timeout when `seconds` is given.
std::vector<std::string> nft_add_argv(std::size_t door, const GrantRecord& record,
                                      std::optional<std::uint32_t> seconds);
// One transaction that restarts the grant's timeout: add (in case the kernel timed it
// out just now), delete, add again with `seconds`.
std::vector<std::string> nft_renew_argv(std::size_t door, const GrantRecord& record, std::uint32_t seconds);
// One transaction that removes the grant's elements whether or not the kernel already
// timed them out: add, then delete.
std::vector<std::string> nft_delete_argv(std::size_t door, const GrantRecord& record);
// Deletes sesame's table if there is one (add table, then delete table).
std::vector<std::string> nft_delete_table_argv();
// nft -f input that adds many grants' elements in one transaction, one line each
// (nft_add_argv's command).
struct NftOpen {
  std::size_t door = 0;
  GrantRecord record;
  std::optional<std::uint32_t> seconds;
};
std::string nft_add_script(const std::vector<NftOpen>& opens);

class NftBackend final : public Backend {
 public:
  // The table definition is written to state_dir/sesame.nft for nft -f, a batch of
  // opens to state_dir/sesame-batch.nft.
  NftBackend(const Config& config, std::string state_dir, const Log& log)
      : Backend(config, log), script_path_(state_dir + "/sesame.nft"), batch_path_(state_dir + "/sesame-batch.nft") {}
  std::vector<std::string> programs() const override { return {"nft"}; }
  bool start() override;
  bool open(std::size_t door, const GrantRecord& record, std::optional<std::uint32_t> seconds) override;
  bool extend(std::size_t door, const GrantRecord& record, std::uint32_t seconds) override;
  bool close(std::size_t door, const GrantRecord& record) override;
  bool adopt(std::size_t door, const GrantRecord& record, std::uint32_t seconds) override;
  // Whatever the config: a previous run's grants live in sesame's table, so it goes.
  void close_leftover(const GrantRecord& record) override;
  void stop(bool keep) override;
  // A batch's opens go to nft in one transaction (nft -f, one process); if it fails,
  // each is tried on its own, so that one refused element does not refuse the others.
  // Grants ends a batch before it closes anything, so a close never overtakes an open.
  bool batches() const override { return true; }
  void begin_batch() override { batching_ = true; }
  std::vector<GrantRecord> end_batch(bool apply) override;

 private:
  // Applies the recorded opens; the refused ones go to refused_.
  void flush();

  std::string script_path_;
  std::string batch_path_;
  bool batching_ = false;
  std::vector<NftOpen> recorded_;
  std::vector<GrantRecord> refused_;
};

}  // namespace sesame
