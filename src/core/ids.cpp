#include "core/ids.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace lifeboat::core {
namespace {

// Fills `buf` from the kernel's CSPRNG. Ids must never repeat, across processes and
// restarts too, so a failure here is not something to carry on from.
void kernel_random(unsigned char* buf, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::getrandom(buf + done, size - done, 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == ENOSYS) {
      break;  // a kernel older than 3.17: /dev/urandom below
    } else if (n < 0 && errno != EINTR) {
      std::fprintf(stderr, "lifeboat: getrandom failed (errno %d)\n", errno);
      std::abort();
    }
  }
  if (done == size) return;
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  while (fd >= 0 && done < size) {
    ssize_t n = ::read(fd, buf + done, size - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  if (fd >= 0) ::close(fd);
  if (done < size) {
    std::fprintf(stderr, "lifeboat: no kernel randomness (getrandom, /dev/urandom)\n");
    std::abort();
  }
}

}  // namespace

std::string new_uuid() {
  std::array<unsigned char, 16> b{};
  kernel_random(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant 10 (RFC 4122)
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
      "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
}

}  // namespace lifeboat::core
