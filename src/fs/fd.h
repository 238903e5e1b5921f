// Fd: the owner of one open file descriptor (closed by the destructor). Move-only.
// Not thread-safe as an object, but a descriptor it owns may be used from any thread.
#pragma once

namespace lifeboat::fs {

class Fd {
 public:
  Fd() = default;
  //! Takes ownership of `fd` (-1 for none).
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }

  //! The descriptor, still owned by this object.
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  //! Gives up ownership and returns the descriptor.
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  //! Closes the owned descriptor (if any) and takes `fd`.
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace lifeboat::fs
