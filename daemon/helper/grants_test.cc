// Grants over a backend that only records its calls: journal first, coalescing, the
// closing times, a clean shutdown with and without keep_grants_on_shutdown, and the
// next start taking kept grants back or closing them.
#include "daemon/helper/grants.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "core/str_cat.h"
#include "daemon/sys/host_prefixes.h"

namespace sesame {
namespace {

class RecordingBackend final : public Backend {
 public:
  RecordingBackend(const Config& config, const Log& log, const Journal& journal)
      : Backend(config, log), journal_(journal) {}
  std::vector<std::string> programs() const override { return {}; }
  bool start() override { return note("start"); }
  bool tracks(std::size_t door, const Address&) const override { return config_.doors[door].open_for != 0u; }
  bool open(std::size_t door, const GrantRecord& r, std::optional<std::uint32_t> seconds) override {
    if (batching_) {
      batched_.emplace_back(door, r, seconds);
      return true;
    }
    // The journal already lists what is about to open.
    std::size_t skipped = 0;
    const auto listed = journal_.read(skipped);
    const bool journaled = std::ranges::find(*listed, r) != listed->end() || !tracks(door, r.source);
    return note(str_cat("open ", std::to_string(door), " ", r.source.to_string(),
                        seconds ? str_cat(" ", std::to_string(*seconds), "s") : "", journaled ? "" : " unjournaled"));
  }
  bool extend(std::size_t door, const GrantRecord& r, std::uint32_t seconds) override {
    return note(str_cat("extend ", std::to_string(door), " ", r.source.to_string(), " ", std::to_string(seconds), "s"));
  }
  bool close(std::size_t door, const GrantRecord& r) override {
    return note(str_cat("close ", std::to_string(door), " ", r.source.to_string()));
  }
  bool adopt(std::size_t door, const GrantRecord& r, std::uint32_t seconds) override {
    return note(str_cat("adopt ", std::to_string(door), " ", r.source.to_string(), " ", std::to_string(seconds), "s"));
  }
  void close_leftover(const GrantRecord& r) override { note(str_cat("leftover ", r.door, " ", r.source.to_string())); }
  void stop(bool keep) override { note(keep ? "stop keep" : "stop"); }
  bool batches() const override { return batches_; }
  void begin_batch() override { batching_ = true; }
  std::vector<GrantRecord> end_batch(bool apply) override {
    batching_ = false;
    std::vector<GrantRecord> refused;
    for (const auto& [door, r, seconds] : std::exchange(batched_, {}))
      if (!apply || !open(door, r, seconds)) refused.push_back(r);
    return refused;
  }

  std::vector<std::string> take() { return std::exchange(calls_, {}); }
  // Calls whose text starts with one of these fail, as a refusing firewall's would.
  std::vector<std::string> failing;
  bool batches_ = true;  // as nft; false: as ufw and exec

 private:
  bool note(std::string call) {
    const bool fails = std::ranges::any_of(failing, [&](const std::string& f) { return call.starts_with(f); });
    calls_.push_back(std::move(call));
    return !fails;
  }
  const Journal& journal_;
  std::vector<std::string> calls_;
  bool batching_ = false;
  std::vector<std::tuple<std::size_t, GrantRecord, std::optional<std::uint32_t>>> batched_;
};

using Calls = std::vector<std::string>;
const Address kA = *Address::parse("198.18.0.2");
const Address kB = *Address::parse("2001:2::3");
constexpr std::int64_t kWall = 1'800'000'000;

class GrantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/sesame-grants-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
    config_.firewall = FirewallBackend::kNft;
    config_.log = Logging{.syslog = false, .to_stderr = false, .file = dir_ + "/log", .ident = ""};
    ConfigDoor timed;
    timed.door.name = "timed";
    timed.open_ports = {{Protocol::kTcp, 2222}};
    timed.open_for = 10;
    ConfigDoor forever = timed;
    forever.door.name = "forever";
    forever.open_for.reset();
    ConfigDoor untracked = timed;  // the recording backend tracks no door with open_for 0
    untracked.door.name = "untracked";
    untracked.open_for = 0;
    config_.doors = {timed, forever, untracked};
    restart();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A new run over the same state directory.
  void restart() {
    grants_.reset();
    backend_.reset();
    journal_.reset();
    log_.reset();
    auto log = Log::open(config_.log, false);
    ASSERT_TRUE(log.has_value());
    log_.emplace(std::move(*log));
    auto journal = Journal::open(dir_);
    ASSERT_TRUE(journal.has_value());
    journal_.emplace(std::move(*journal));
    backend_.emplace(config_, *log_, *journal_);
    grants_.emplace(config_, *backend_, *journal_, *log_, limits_);
  }
  std::vector<GrantRecord> journal() const {
    std::size_t skipped = 0;
    return *journal_->read(skipped);
  }
  std::string log_text() const {
    std::ifstream in(config_.log.file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::string dir_;
  Config config_;
  OpenLimits limits_;
  std::optional<Log> log_;
  std::optional<Journal> journal_;
  std::optional<RecordingBackend> backend_;
  std::optional<Grants> grants_;
};

// The helper's queue serves a round of opens as one batch: journalled once, before the
// backend applies them together; one the firewall refuses is forgotten again, and a
// close in the middle applies the opens before it first.
TEST_F(GrantsTest, ABatchIsJournalledBeforeTheBackendAppliesIt) {
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  backend_->take();
  backend_->failing = {"open 0 2001:2::3"};
  const Address c = *Address::parse("198.18.0.4");
  grants_->begin_batch();
  grants_->open(0, kA, {.monotonic_ms = 1000, .unix_s = kWall + 1});
  grants_->open(0, kB, {.monotonic_ms = 1000, .unix_s = kWall + 1});
  EXPECT_TRUE(backend_->take().empty());
  EXPECT_TRUE(journal().empty());
  grants_->close(0, kA);
  grants_->open(0, c, {.monotonic_ms = 1000, .unix_s = kWall + 1});
  grants_->end_batch();
  EXPECT_EQ(backend_->take(), (Calls{"open 0 198.18.0.2 10s", "open 0 2001:2::3 10s", "close 0 198.18.0.2",
                                     "open 0 198.18.0.4 10s"}));
  EXPECT_EQ(grants_->size(), 1u);
  const auto listed = journal();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].source, c);
  EXPECT_NE(log_text().find("2001:2::3: timed: not opened, the firewall refused"), std::string::npos);
}

// ufw does not batch: in the helper's round each open is journalled before it applies,
// as outside one (a kill -9 between the two must leave the rule journalled).
TEST_F(GrantsTest, ABackendWithoutBatchesJournalsEachOpenFirst) {
  backend_->batches_ = false;
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  backend_->take();
  grants_->begin_batch();
  grants_->open(0, kA, {.monotonic_ms = 1000, .unix_s = kWall + 1});
  EXPECT_EQ(backend_->take(), (Calls{"open 0 198.18.0.2 10s"}));
  EXPECT_EQ(journal().size(), 1u);
  grants_->end_batch();
  EXPECT_TRUE(backend_->take().empty());
}

TEST_F(GrantsTest, OpenCoalesceAndExpire) {
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  grants_->open(0, kA, {.monotonic_ms = 1000, .unix_s = kWall + 1});
  grants_->open(0, kA, {.monotonic_ms = 5000, .unix_s = kWall + 5});  // the timer starts over
  grants_->open(2, kA, {.monotonic_ms = 5000, .unix_s = kWall + 5});  // untracked: opens each time
  grants_->open(2, kA, {.monotonic_ms = 5000, .unix_s = kWall + 5});
  EXPECT_EQ(backend_->take(), (Calls{"start", "open 0 198.18.0.2 10s", "extend 0 198.18.0.2 10s",
                                     "open 2 198.18.0.2 0s", "open 2 198.18.0.2 0s"}));
  EXPECT_EQ(grants_->size(), 1u);
  ASSERT_EQ(journal().size(), 1u);
  EXPECT_EQ(journal()[0].deadline, kWall + 11);  // as opened; rewritten on a knock only when kept
  EXPECT_EQ(grants_->next_deadline_in(5000), 10'000u);
  grants_->expire(14'999);
  EXPECT_TRUE(backend_->take().empty());
  grants_->expire(15'000);
  EXPECT_EQ(backend_->take(), (Calls{"close 0 198.18.0.2"}));
  EXPECT_TRUE(journal().empty());
  EXPECT_NE(log_text().find("198.18.0.2: timed: closed 2222/tcp (open_for elapsed)"), std::string::npos);
}

// A reload: the grant open under the first config keeps its ports, its backend and
// its schedule; a knock under the new config finds it by door name; new grants open
// under the new config; shutdown closes each with the backend it opened with.
TEST_F(GrantsTest, AReloadLeavesOpenGrantsAsTheyWereOpened) {
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  backend_->take();
  // The new config: "timed" moved to index 1 with another port and a longer open_for.
  Config next = config_;
  ConfigDoor added = next.doors[1];
  added.door.name = "added";
  next.doors[0].open_ports = {{Protocol::kTcp, 3333}};
  next.doors[0].open_for = 20;
  next.doors = {added, next.doors[0], next.doors[1]};
  RecordingBackend next_backend(next, *log_, *journal_);
  grants_->reload(std::make_shared<const GrantRules>(GrantRules{.config = &next, .backend = &next_backend, .owner = nullptr}));

  // Knocked again under the new config: the old grant is found, and stays as opened.
  grants_->open(1, kA, {.monotonic_ms = 1000, .unix_s = kWall + 1});
  EXPECT_EQ(backend_->take(), (Calls{"extend 0 198.18.0.2 20s"}));
  EXPECT_TRUE(next_backend.take().empty());
  ASSERT_EQ(journal().size(), 1u);
  EXPECT_EQ(journal()[0].ports, (std::vector<KnockStep>{{Protocol::kTcp, 2222}}));
  // A new source opens under the new config, with its ports.
  grants_->open(1, kB, {.monotonic_ms = 1000, .unix_s = kWall + 1});
  EXPECT_EQ(next_backend.take(), (Calls{"open 1 2001:2::3 20s"}));
  // The close sequence under the new numbering closes the old grant with its own backend.
  grants_->close(1, kA);
  EXPECT_EQ(backend_->take(), (Calls{"close 0 198.18.0.2"}));
  EXPECT_NE(log_text().find("198.18.0.2: timed: closed 2222/tcp (close sequence)"), std::string::npos);
  grants_->shutdown();
  EXPECT_EQ(next_backend.take(), (Calls{"close 1 2001:2::3", "stop"}));
  EXPECT_TRUE(journal().empty());
}

// ExecStopPost after kill -9: the journal's grants are closed without starting the
// backend, kept ones included, and the journal is emptied.
TEST_F(GrantsTest, CloseLeftoversClosesEveryJournaledGrant) {
  config_.keep_grants_on_shutdown = true;
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  grants_->open(1, kB, {.monotonic_ms = 0, .unix_s = kWall});
  ASSERT_EQ(journal().size(), 2u);
  restart();  // the helper was killed: nothing closed
  ASSERT_TRUE(grants_->close_leftovers().has_value());
  EXPECT_EQ(backend_->take(), (Calls{"leftover timed 198.18.0.2", "leftover forever 2001:2::3"}));
  EXPECT_TRUE(journal().empty());
}

TEST_F(GrantsTest, ShutdownClosesEverything) {
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  grants_->open(1, kB, {.monotonic_ms = 0, .unix_s = kWall});
  grants_->close(1, kB);
  grants_->open(1, kB, {.monotonic_ms = 0, .unix_s = kWall});
  backend_->take();
  grants_->shutdown();
  // In door-name order ("forever" before "timed"): grants are kept by name, which
  // stays the same across reloads where an index may not.
  EXPECT_EQ(backend_->take(), (Calls{"close 1 2001:2::3", "close 0 198.18.0.2", "stop"}));
  EXPECT_TRUE(journal().empty());
}

TEST_F(GrantsTest, KeptGrantsAreTakenBackOrClosedByTheNextRun) {
  config_.keep_grants_on_shutdown = true;
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  grants_->open(0, kB, {.monotonic_ms = 0, .unix_s = kWall});
  grants_->open(0, kB, {.monotonic_ms = 4000, .unix_s = kWall + 4});  // kept: the journal moves too
  grants_->open(1, kA, {.monotonic_ms = 0, .unix_s = kWall});
  backend_->take();
  grants_->shutdown();
  EXPECT_EQ(backend_->take(), (Calls{"close 1 198.18.0.2", "stop keep"}));  // no deadline: closed anyway
  ASSERT_EQ(journal().size(), 2u);

  // 7 s later (a new monotonic clock): kA has 3 s left, kB 7 s.
  restart();
  ASSERT_TRUE(grants_->start({.monotonic_ms = 100, .unix_s = kWall + 7}).has_value());
  EXPECT_EQ(backend_->take(), (Calls{"start", "adopt 0 198.18.0.2 3s", "adopt 0 2001:2::3 7s"}));
  EXPECT_EQ(grants_->size(), 2u);
  EXPECT_EQ(grants_->next_deadline_in(100), 3000u);
  EXPECT_NE(log_text().find("198.18.0.2: timed: kept open by the previous run, closes in 3s"), std::string::npos);
  grants_->shutdown();
  backend_->take();

  // 20 s after that, both are expired: closed, by the backend that opened them.
  restart();
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall + 27}).has_value());
  EXPECT_EQ(backend_->take(), (Calls{"leftover timed 198.18.0.2", "leftover timed 2001:2::3", "start"}));
  EXPECT_EQ(grants_->size(), 0u);
  EXPECT_TRUE(journal().empty());
}

TEST_F(GrantsTest, WithoutKeepEveryLeftoverCloses) {
  ASSERT_TRUE(journal_
                  ->write(std::vector<GrantRecord>{
                      {.backend = FirewallBackend::kNft, .source = kA, .ports = {{Protocol::kTcp, 2222}},
                       .deadline = kWall + 100, .door = "timed"},
                      // Another backend's (a run with another config): closed by that backend,
                      // here exec, whose door is gone, so it can only say so.
                      {.backend = FirewallBackend::kExec, .source = kB, .ports = {}, .deadline = {},
                       .door = "gone"}})
                  .has_value());
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  EXPECT_EQ(backend_->take(), (Calls{"leftover timed 198.18.0.2", "start"}));
  EXPECT_TRUE(journal().empty());
  const std::string log = log_text();
  EXPECT_NE(log.find("closing 198.18.0.2: timed (nft 2222/tcp), left open by a previous run"), std::string::npos);
  EXPECT_NE(log.find("closing 2001:2::3: gone (exec), left open by a previous run"), std::string::npos);
  EXPECT_NE(log.find("door gone is no longer in the config"), std::string::npos);
}

TEST_F(GrantsTest, AFailedOpenIsUndoneAndNotKept) {
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  backend_->take();
  backend_->failing = {"open"};
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  EXPECT_EQ(backend_->take(), (Calls{"open 0 198.18.0.2 10s", "close 0 198.18.0.2"}));
  EXPECT_EQ(grants_->size(), 0u);
  EXPECT_TRUE(journal().empty());
  EXPECT_NE(log_text().find("198.18.0.2: timed: not opened, the firewall refused 2222/tcp"), std::string::npos);
}

TEST_F(GrantsTest, WhatCannotBeUndoneOrClosedStaysInTheJournal) {
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  backend_->failing = {"open", "close"};
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  // It may be partly open: kept, and closed at its time like any other.
  EXPECT_EQ(grants_->size(), 1u);
  EXPECT_EQ(journal().size(), 1u);
  grants_->expire(10'000);
  EXPECT_EQ(grants_->size(), 0u);
  EXPECT_EQ(journal().size(), 1u);  // the close failed: the next start closes it again
  backend_->take();
  grants_->shutdown();  // one more try, which fails too
  EXPECT_EQ(backend_->take(), (Calls{"close 0 198.18.0.2", "stop"}));
  EXPECT_EQ(journal().size(), 1u);
  backend_->failing.clear();
  restart();
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall + 20}).has_value());
  EXPECT_EQ(backend_->take(), (Calls{"leftover timed 198.18.0.2", "start"}));
  EXPECT_TRUE(journal().empty());
}

TEST_F(GrantsTest, OpensAreRateLimited) {
  limits_ = {.global_burst = 3, .global_interval_ms = 60'000, .source_burst = 2, .source_interval_ms = 60'000};
  restart();
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  backend_->take();
  // One address: two opens, then refused (a closed grant opened again counts anew).
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  grants_->close(0, kA);
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  grants_->close(0, kA);
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  // Coalescing costs nothing: kB opens once and is knocked again (late enough to
  // move its closing time).
  grants_->open(0, kB, {.monotonic_ms = 0, .unix_s = kWall});
  grants_->open(0, kB, {.monotonic_ms = 3000, .unix_s = kWall + 3});
  // All addresses: the global burst of 3 is used up. Refusals are logged at most once
  // a second, the next line counting them.
  const Address c = *Address::parse("198.18.0.9");
  grants_->open(0, c, {.monotonic_ms = 1000, .unix_s = kWall + 1});
  grants_->open(0, c, {.monotonic_ms = 1500, .unix_s = kWall + 1});
  grants_->open(0, c, {.monotonic_ms = 2000, .unix_s = kWall + 2});
  EXPECT_EQ(backend_->take(), (Calls{"open 0 198.18.0.2 10s", "close 0 198.18.0.2", "open 0 198.18.0.2 10s",
                                     "close 0 198.18.0.2", "open 0 2001:2::3 10s", "extend 0 2001:2::3 10s"}));
  const std::string log = log_text();
  EXPECT_NE(log.find("198.18.0.2: timed: refused, too many opens from this address\n"), std::string::npos);
  EXPECT_NE(log.find("198.18.0.9: timed: refused, too many opens from all addresses\n"), std::string::npos);
  EXPECT_NE(log.find("198.18.0.9: timed: refused, too many opens from all addresses (2 opens refused since the "
                     "last line)"),
            std::string::npos);
}

TEST_F(GrantsTest, SourcesNoKnockerHasOpenNothing) {
  config_.doors[1].allow_link_local = true;  // "forever" lets link-local sources knock
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  backend_->take();
  std::vector<std::string> refused{"0.0.0.0", "::", "127.0.0.1", "::1", "224.0.0.1", "ff02::1",
                                   "255.255.255.255", "fe80::1", "169.254.1.1"};
  // One of the host's own addresses, whichever it has besides loopback.
  const auto host = host_prefixes();
  ASSERT_TRUE(host.has_value());
  for (const LocalPrefix& p : *host)
    if (!p.address.is_v4() || p.address.bytes()[12] != 127) {
      refused.push_back(p.address.to_string());
      break;
    }
  std::uint64_t ms = 0;
  for (const std::string& text : refused) {
    ms += 1000;  // a second apart, so that every refusal is logged
    grants_->open(0, *Address::parse(text), {.monotonic_ms = ms, .unix_s = kWall});
  }
  EXPECT_TRUE(backend_->take().empty());
  EXPECT_EQ(grants_->size(), 0u);
  const std::string log = log_text();
  EXPECT_NE(log.find("127.0.0.1: timed: refused, not a knocker's address (loopback)"), std::string::npos);
  EXPECT_NE(log.find("ff02::1: timed: refused, not a knocker's address (multicast)"), std::string::npos);
  EXPECT_NE(log.find("fe80::1: timed: refused, not a knocker's address (link_local)"), std::string::npos);
  EXPECT_NE(log.find(str_cat(refused.back(), ": timed: refused, not a knocker's address (own_address)")),
            std::string::npos);
  // The door that opts in opens for a link-local source.
  grants_->open(1, *Address::parse("fe80::1"), {.monotonic_ms = ms, .unix_s = kWall});
  EXPECT_EQ(backend_->take(), (Calls{"open 1 fe80::1 43200s"}));
}

TEST_F(GrantsTest, AGrantWithoutOpenForEndsAtTheMaxLifetime) {
  config_.max_grant_lifetime = 100;
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  backend_->take();
  grants_->open(1, kA, {.monotonic_ms = 0, .unix_s = kWall});
  EXPECT_EQ(backend_->take(), (Calls{"open 1 198.18.0.2 100s"}));  // nft: a kernel timeout too
  EXPECT_EQ(grants_->next_deadline_in(0), 100'000u);
  // A re-knock does not push the end back.
  grants_->open(1, kA, {.monotonic_ms = 60'000, .unix_s = kWall + 60});
  EXPECT_TRUE(backend_->take().empty());
  EXPECT_EQ(grants_->next_deadline_in(60'000), 40'000u);
  grants_->expire(100'000);
  EXPECT_EQ(backend_->take(), (Calls{"close 1 198.18.0.2"}));
  const std::string log = log_text();
  EXPECT_NE(log.find("198.18.0.2: forever: opened 2222/tcp until its close sequence, 100s at most"), std::string::npos);
  EXPECT_NE(log.find("198.18.0.2: forever: closed 2222/tcp (max_grant_lifetime elapsed)"), std::string::npos);
  EXPECT_TRUE(journal().empty());
}

TEST_F(GrantsTest, ADoorAtItsCapClosesItsOldestGrant) {
  config_.max_grants_per_door = 2;
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  backend_->take();
  const Address a3 = *Address::parse("198.18.0.3");
  grants_->open(1, kA, {.monotonic_ms = 0, .unix_s = kWall});
  grants_->open(1, kB, {.monotonic_ms = 1, .unix_s = kWall});
  grants_->open(0, a3, {.monotonic_ms = 2, .unix_s = kWall});  // another door: its own cap
  grants_->open(1, a3, {.monotonic_ms = 3, .unix_s = kWall});
  EXPECT_EQ(backend_->take(), (Calls{"open 1 198.18.0.2 43200s", "open 1 2001:2::3 43200s", "open 0 198.18.0.3 10s",
                                     "close 1 198.18.0.2", "open 1 198.18.0.3 43200s"}));
  EXPECT_EQ(grants_->size(), 3u);
  EXPECT_NE(log_text().find("198.18.0.2: forever: closed 2222/tcp (the door has 2 grants open, its most; the oldest "
                            "makes room)"),
            std::string::npos);
}

TEST_F(GrantsTest, ReknocksMoveTheCloseAtMostOncePerQuarterOfOpenFor) {
  ASSERT_TRUE(grants_->start({.monotonic_ms = 0, .unix_s = kWall}).has_value());
  backend_->take();
  grants_->open(0, kA, {.monotonic_ms = 0, .unix_s = kWall});
  // 300 re-knocks in the next 300 ms: none moves the close (open_for is 10 s), one line.
  for (std::uint64_t ms = 1000; ms < 1300; ++ms) grants_->open(0, kA, {.monotonic_ms = ms, .unix_s = kWall + 1});
  EXPECT_EQ(backend_->take(), (Calls{"open 0 198.18.0.2 10s"}));
  EXPECT_EQ(grants_->next_deadline_in(1300), 8700u);
  // 2.5 s after the open: moved, and the line counts the re-knocks it stands for.
  grants_->open(0, kA, {.monotonic_ms = 2500, .unix_s = kWall + 2});
  EXPECT_EQ(backend_->take(), (Calls{"extend 0 198.18.0.2 10s"}));
  EXPECT_EQ(grants_->next_deadline_in(2500), 10'000u);
  const std::string log = log_text();
  EXPECT_NE(log.find("198.18.0.2: timed: already open, closes in 9s (moved less than 2s ago)\n"), std::string::npos);
  EXPECT_NE(log.find("198.18.0.2: timed: already open, closes in 10s (300 re-knocks since the last line)"),
            std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = log.find("already open"); at != std::string::npos; at = log.find("already open", at + 1))
    ++lines;
  EXPECT_EQ(lines, 2u);
}

}  // namespace
}  // namespace sesame
