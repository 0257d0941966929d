// nft's table and commands: the whole table in one script, elements for IPv4 and IPv6,
// and the transactions that renew and delete a grant whatever the kernel did meanwhile.
#include "daemon/helper/nft.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

using Argv = std::vector<std::string>;

Config two_doors() {
  Config c;
  c.firewall = FirewallBackend::kNft;
  ConfigDoor ssh;
  ssh.door.name = "ssh";
  ssh.open_ports = {{Protocol::kTcp, 2222}};
  ConfigDoor dns = ssh;
  dns.door.name = "dns and ssh";
  dns.open_ports = {{Protocol::kUdp, 53}, {Protocol::kTcp, 2222}};
  c.doors = {ssh, dns};
  return c;
}

GrantRecord record(std::string_view source) {
  return {.backend = FirewallBackend::kNft, .source = *Address::parse(source),
          .ports = {{Protocol::kUdp, 53}, {Protocol::kTcp, 2222}}, .deadline = {}, .door = "dns and ssh"};
}

TEST(Nft, TableScriptReplacesTheTableInOneTransaction) {
  EXPECT_EQ(nft_table_script(two_doors()),
            "add table inet sesame\n"
            "delete table inet sesame\n"
            "table inet sesame {\n"
            "  # 0: ssh\n"
            "  set door0_v4 { type ipv4_addr . inet_proto . inet_service; flags timeout; }\n"
            "  set door0_v6 { type ipv6_addr . inet_proto . inet_service; flags timeout; }\n"
            "  # 1: dns and ssh\n"
            "  set door1_v4 { type ipv4_addr . inet_proto . inet_service; flags timeout; }\n"
            "  set door1_v6 { type ipv6_addr . inet_proto . inet_service; flags timeout; }\n"
            "  chain input {\n"
            "    type filter hook input priority filter; policy accept;\n"
            "    ct state established,related accept\n"
            "    ip saddr . meta l4proto . th dport @door0_v4 accept\n"
            "    ip6 saddr . meta l4proto . th dport @door0_v6 accept\n"
            "    ip saddr . meta l4proto . th dport @door1_v4 accept\n"
            "    ip6 saddr . meta l4proto . th dport @door1_v6 accept\n"
            "    tcp dport 2222 drop\n"  // once, though two doors open it
            "    udp dport 53 drop\n"
            "  }\n"
            "}\n");
}

// A round of the helper's queue: one nft -f script, one line per grant.
TEST(Nft, AddScriptHoldsABatchInOneTransaction) {
  EXPECT_EQ(nft_add_script({{.door = 1, .record = record("198.18.0.2"), .seconds = 30},
                            {.door = 0, .record = record("2001:2::2"), .seconds = std::nullopt}}),
            "add element inet sesame door1_v4 "
            "{ 198.18.0.2 . udp . 53 timeout 30s, 198.18.0.2 . tcp . 2222 timeout 30s }\n"
            "add element inet sesame door0_v6 { 2001:2::2 . udp . 53, 2001:2::2 . tcp . 2222 }\n");
}

TEST(Nft, ElementCommands) {
  EXPECT_EQ(nft_add_argv(1, record("198.18.0.2"), 30),
            (Argv{"nft", "add", "element", "inet", "sesame", "door1_v4",
                  "{ 198.18.0.2 . udp . 53 timeout 30s, 198.18.0.2 . tcp . 2222 timeout 30s }"}));
  EXPECT_EQ(nft_add_argv(1, record("2001:2::2"), std::nullopt),
            (Argv{"nft", "add", "element", "inet", "sesame", "door1_v6",
                  "{ 2001:2::2 . udp . 53, 2001:2::2 . tcp . 2222 }"}));
  GrantRecord one = record("198.18.0.2");
  one.ports.resize(1);
  EXPECT_EQ(nft_renew_argv(0, one, 5),
            (Argv{"nft", "add", "element", "inet", "sesame", "door0_v4", "{ 198.18.0.2 . udp . 53 }", ";",
                  "delete", "element", "inet", "sesame", "door0_v4", "{ 198.18.0.2 . udp . 53 }", ";",
                  "add", "element", "inet", "sesame", "door0_v4", "{ 198.18.0.2 . udp . 53 timeout 5s }"}));
  EXPECT_EQ(nft_delete_argv(0, one),
            (Argv{"nft", "add", "element", "inet", "sesame", "door0_v4", "{ 198.18.0.2 . udp . 53 }", ";",
                  "delete", "element", "inet", "sesame", "door0_v4", "{ 198.18.0.2 . udp . 53 }"}));
  EXPECT_EQ(nft_delete_table_argv(),
            (Argv{"nft", "add", "table", "inet", "sesame", ";", "delete", "table", "inet", "sesame"}));
}

}  // namespace
}  // namespace sesame
