// notify_service_manager against a real AF_UNIX datagram socket, bound as systemd binds
// its notify socket: by path, and by abstract name.
#include "daemon/sniffer/notify_socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "daemon/sys/unique_fd.h"

namespace sesame {
namespace {

// A datagram socket bound to `address` ('@' for an abstract name), as systemd's.
UniqueFd bound_socket(const std::string& address) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::memcpy(sun.sun_path, address.data(), address.size());
  if (sun.sun_path[0] == '@') sun.sun_path[0] = '\0';
  UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(fd);
  EXPECT_EQ(bind(fd.get(), reinterpret_cast<const sockaddr*>(&sun),
                 static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size())),
            0)
      << std::strerror(errno);
  return fd;
}

std::string received(const UniqueFd& fd) {
  std::array<char, 512> buffer;
  const ssize_t n = recv(fd.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
  return n < 0 ? "<nothing>" : std::string(buffer.data(), static_cast<std::size_t>(n));
}

TEST(NotifyServiceManager, SendsTheStateToAPath) {
  char dir[] = "/tmp/sesame-notify.XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  const std::string path = std::string(dir) + "/notify";
  const UniqueFd fd = bound_socket(path);
  ASSERT_TRUE(notify_service_manager(path, "READY=1\nSTATUS=listening"));
  EXPECT_EQ(received(fd), "READY=1\nSTATUS=listening");
  unlink(path.c_str());
  rmdir(dir);
}

TEST(NotifyServiceManager, SendsTheStateToAnAbstractName) {
  const std::string name = "@sesame-notify-test-" + std::to_string(getpid());
  const UniqueFd fd = bound_socket(name);
  ASSERT_TRUE(notify_service_manager(name, "STOPPING=1"));
  EXPECT_EQ(received(fd), "STOPPING=1");
}

TEST(NotifyServiceManager, WithoutAnAddressSendsNothing) {
  EXPECT_TRUE(notify_service_manager("", "READY=1"));
}

TEST(NotifyServiceManager, RefusesARelativePathAndAnAbsentSocket) {
  const auto relative = notify_service_manager("notify", "READY=1");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().error, EINVAL);
  const auto absent = notify_service_manager("/nonexistent/sesame-notify", "READY=1");
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().error, ENOENT);
}

}  // namespace
}  // namespace sesame
