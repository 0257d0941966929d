// The helper's queue over real IPC messages: what it keeps, what it hands back to be
// dispatched at once, and the count and line for what it drops.
#include "daemon/helper/request_queue.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/ipc.h"
#include "daemon/helper/log_file_test.h"

namespace sesame {
namespace {

using RequestQueueTest = LogFileTest;

IpcMessage match(const Address& source, std::uint32_t door = 0) {
  return encode_match({.generation = 1, .door = door, .source = source});
}

TEST_F(RequestQueueTest, QueuesRequestsAndHandsBackTheRest) {
  RequestQueue q(*log_);
  const Address knocker = *Address::parse("198.18.0.2");
  EXPECT_TRUE(q.push(match(knocker), 0));
  const IpcHeaderMessage reload = encode_reload({.type = IpcType::kReload, .generation = 2});
  EXPECT_FALSE(q.push(reload, 0));
  IpcMessage bad = match(knocker);
  bad[0] ^= 0xff;  // another version: dispatch drops the sniffer for it
  EXPECT_FALSE(q.push(bad, 0));
  EXPECT_EQ(q.size(), 1u);
  const auto served = q.pop();
  ASSERT_TRUE(served);
  const IpcMessage sent = match(knocker);
  EXPECT_TRUE(std::ranges::equal(served->message(), sent));
  EXPECT_FALSE(q.pop());
}

// A flood larger than the queue: the knocker's match is still served first, and every
// drop is counted, with one line for many.
TEST_F(RequestQueueTest, AFloodIsCountedAndTheKnockerServed) {
  RequestQueue q(*log_, {.max_pending = 100});
  // Ten seconds of a flood over four /24s, each served once meanwhile.
  for (std::uint32_t i = 0; i < 1000; ++i) q.push(match(Address::v4(0xc6130000u + i)), i * 10);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.pop());
  const Address knocker = *Address::parse("198.18.0.2");
  q.push(match(knocker), 10'000);
  q.push(match(knocker, 1), 10'000);  // the same address again: replaces
  EXPECT_EQ(q.size(), 97u);
  EXPECT_EQ(q.dropped(QueueDrop::kReplaced), 1u);
  EXPECT_EQ(q.dropped(QueueDrop::kPushedOut) + q.dropped(QueueDrop::kFull), 900u);
  const auto first = q.pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(decode_match(first->message())->source, knocker);
  EXPECT_EQ(decode_match(first->message())->door, 1u);
  EXPECT_NE(q.statistics().find("queue 96 pending in "), std::string::npos) << q.statistics();
  EXPECT_NE(q.statistics().find("replaced by the same address's newer request 1"), std::string::npos);
  const std::string log = log_text();
  EXPECT_NE(log.find("a request to the firewall dropped (queue full"), std::string::npos) << log;
  EXPECT_NE(log.find("requests dropped since the last line"), std::string::npos) << log;
  EXPECT_LT(std::ranges::count(log, '\n'), 15);  // about one a second
}

}  // namespace
}  // namespace sesame
