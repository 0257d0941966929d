#include "core/fair_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sesame {
namespace {

Address addr(const std::string& text) { return *Address::parse(text); }

// Spoofed sources: `count` addresses spread over the /24s of 198.19.0.0/16.
std::vector<Address> flood(unsigned count) {
  std::vector<Address> out;
  for (unsigned i = 0; i < count; ++i) out.push_back(Address::v4(0xc6130000u | ((i % 256) << 8) | (i / 256 + 1)));
  return out;
}

TEST(FairQueue, OnePendingRequestPerSource) {
  FairQueue<int> q;
  EXPECT_FALSE(q.push(addr("198.18.0.2"), 1));
  const auto dropped = q.push(addr("198.18.0.2"), 2);
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->why, QueueDrop::kReplaced);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.pop()->second, 2);  // the newer request
  EXPECT_FALSE(q.pop());
}

// A knocker whose /24 is quiet is served next, however many prefixes a flood keeps busy.
TEST(FairQueue, AQuietPrefixIsServedBeforeABackloggedFlood) {
  FairQueue<int> q;
  for (const Address& a : flood(1024)) q.push(a, 0);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(q.pop());  // every flood prefix has been served once
  const Address knocker = addr("198.18.0.2");
  q.push(knocker, 1);
  EXPECT_EQ(q.pop()->first, knocker);
}

// A flood that walks through fresh /24s (198.19.0.0 + N, a new /24 every 256
// completions) makes a new prefix faster than ufw serves: the knocker's prefix, which
// sent one request, still goes before each of them, which sent many.
TEST(FairQueue, ALightPrefixGoesBeforeAFloodWalkingThroughFreshPrefixes) {
  FairQueue<int> q;
  std::uint32_t n = 0;
  for (; n < 512; ++n) q.push(Address::v4(0xc6130000u + n), 0);
  const Address knocker = addr("198.18.0.2");
  q.push(knocker, 1);
  for (; n < 1024; ++n) q.push(Address::v4(0xc6130000u + n), 0);
  EXPECT_EQ(q.pop()->first, knocker);
}

// Prefixes that sent as many are served in turn, one request each; a lighter one goes
// first.
TEST(FairQueue, PrefixesThatSentAsManyAreServedInTurn) {
  FairQueue<int> q;
  for (std::uint32_t i = 1; i <= 3; ++i) {
    q.push(Address::v4(0xc6130100u + i), 0);  // 198.19.1.0/24
    q.push(Address::v4(0xc6130200u + i), 0);  // 198.19.2.0/24
  }
  q.push(addr("198.19.3.1"), 0);
  std::vector<Address> served;
  while (auto r = q.pop()) served.push_back(q.prefix_of(r->first));
  const Address p1 = addr("198.19.1.0"), p2 = addr("198.19.2.0"), p3 = addr("198.19.3.0");
  EXPECT_EQ(served, (std::vector<Address>{p3, p1, p2, p1, p2, p1, p2}));
  EXPECT_EQ(q.prefixes(), 0u);
}

TEST(FairQueue, ServesPrefixesByTheConfiguredLengths) {
  FairQueue<int> q({.max_pending = 16, .ipv4_prefix_length = 16, .ipv6_prefix_length = 48});
  q.push(addr("198.19.1.1"), 0);
  q.push(addr("198.19.200.1"), 0);
  q.push(addr("2001:2:0:1::1"), 0);
  q.push(addr("2001:2:0:ff00::1"), 0);
  EXPECT_EQ(q.prefixes(), 2u);
  FairQueue<int> v6;  // /56 by default: a /64 is one of 256 in its /56
  v6.push(addr("2001:2:0:1::1"), 0);
  v6.push(addr("2001:2:0:2::1"), 0);
  v6.push(addr("2001:2:0:100::1"), 0);
  EXPECT_EQ(v6.prefixes(), 2u);
}

// The bound holds, and a full queue still takes a knocker from a prefix of its own: the
// flood's fullest prefix gives up its oldest request.
TEST(FairQueue, AFullQueuePushesOutOfTheFullestPrefix) {
  FairQueue<int> q({.max_pending = 64});
  std::size_t pushed_out = 0, full = 0;
  for (int i = 0; i < 1000; ++i) {
    // One busy /24 (198.19.1.0) and a few quiet ones.
    const Address a = i % 10 ? Address::v4(0xc6130100u + (i % 250) + 1) : Address::v4(0xc6130000u | (i / 10) << 8 | 1);
    if (auto d = q.push(a, i)) {
      pushed_out += d->why == QueueDrop::kPushedOut;
      full += d->why == QueueDrop::kFull;
    }
    ASSERT_LE(q.size(), 64u);
  }
  EXPECT_GT(pushed_out + full, 0u);
  const Address knocker = addr("198.18.0.2");
  const auto d = q.push(knocker, -1);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->why, QueueDrop::kPushedOut);
  EXPECT_NE(q.prefix_of(d->source), q.prefix_of(knocker));
  EXPECT_EQ(q.size(), 64u);
  bool served = false;
  while (auto r = q.pop()) served |= r->first == knocker;
  EXPECT_TRUE(served);
}

// A source whose own prefix is the fullest cannot push another prefix's request out.
TEST(FairQueue, TheFullestPrefixCannotGrowAFullQueue) {
  FairQueue<int> q({.max_pending = 4});
  q.push(addr("198.18.0.2"), 0);
  for (int i = 1; i <= 3; ++i) q.push(Address::v4(0xc6130100u + i), 0);
  const auto d = q.push(addr("198.19.1.99"), 0);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->why, QueueDrop::kFull);
  EXPECT_EQ(d->source, addr("198.19.1.99"));
  EXPECT_EQ(q.size(), 4u);
  std::vector<Address> left;
  while (auto r = q.pop()) left.push_back(r->first);
  EXPECT_EQ(left, (std::vector<Address>{addr("198.18.0.2"), addr("198.19.1.1"), addr("198.19.1.2"),
                                        addr("198.19.1.3")}));
}

TEST(FairQueue, DropReasonsHaveNames) {
  EXPECT_EQ(queue_drop_name(QueueDrop::kFull), "queue full");
}

}  // namespace
}  // namespace sesame
