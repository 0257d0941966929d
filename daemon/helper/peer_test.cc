#include "daemon/helper/peer.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "daemon/sys/unique_fd.h"

namespace sesame {
namespace {

// Runs check_sniffer_socket(fd) in a child (depth 1) or a grandchild (depth 2) of this
// process, which made the socket; true if it accepted it.
bool accepted_at_depth(int fd, int depth) {
  const pid_t child = fork();
  if (child == 0) {
    if (depth == 2) _exit(accepted_at_depth(fd, 1) ? 0 : 1);
    _exit(check_sniffer_socket(fd) ? 1 : 0);
  }
  int status = 0;
  return waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(Peer, OnlyTheParentsSocketpairIsAccepted) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
  const UniqueFd mine(pair[0]), theirs(pair[1]);
  EXPECT_TRUE(accepted_at_depth(theirs.get(), 1));
  // A socket made by someone other than the parent: refused.
  EXPECT_FALSE(accepted_at_depth(theirs.get(), 2));
}

TEST(Peer, OtherSocketTypesAreRefused) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  const UniqueFd a(pair[0]), b(pair[1]);
  const auto why = check_sniffer_socket(b.get());
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("is not a SOCK_SEQPACKET socket"), std::string::npos);
}

}  // namespace
}  // namespace sesame
