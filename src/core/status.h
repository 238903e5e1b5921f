// Status: the outcome of an operation at a module boundary.
//
// A Status is either OK or carries a code and a message meant for a person: the
// message names the thing that failed (a path, a profile, an event id) and, where it
// can, what to do. errno is turned into a Status in exactly one place:
// Status::from_errno.
#pragma once

#include <string>
#include <string_view>

namespace lifeboat::core {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     //!< bad input from a user or caller (exit 2)
  kNotFound,            //!< the named thing does not exist (exit 3)
  kAlreadyExists,       //!< refused: the thing already exists (exit 2)
  kFailedPrecondition,  //!< refused: the state does not allow it (exit 2)
  kPermissionDenied,    //!< EACCES / EPERM
  kIoError,             //!< EIO and other I/O faults
  kNoSpace,             //!< ENOSPC / EDQUOT on a target: stops a whole copy
  kUnavailable,         //!< a store or service could not be reached (exit 4)
  kTimeout,             //!< a deadline passed
  kCancelled,           //!< stopped on request
  kPartial,             //!< the work ran but part of it failed (exit 1)
  kInternal,            //!< a bug or an unexpected fault (exit 4)
};

//! Short stable name of a code, e.g. "NotFound".
std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid_argument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status not_found(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status already_exists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status failed_precondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status permission_denied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status io_error(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status no_space(std::string msg) { return {StatusCode::kNoSpace, std::move(msg)}; }
  static Status unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status timeout(std::string msg) { return {StatusCode::kTimeout, std::move(msg)}; }
  static Status cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status partial(std::string msg) { return {StatusCode::kPartial, std::move(msg)}; }
  static Status internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  //! The one place errno becomes a Status. `context` names what was being done to
  //! what, e.g. "open 'home/a.txt'"; the message becomes "<context>: <strerror>".
  static Status from_errno(int err, std::string_view context);

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  //! errno this status came from, 0 if it did not come from errno.
  int sys_errno() const { return errno_; }

  //! "NotFound: message" (or "OK").
  std::string to_string() const;

  //! A copy whose message is prefixed with `context + ": "`.
  Status with_context(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  int errno_ = 0;
};

//! Process exit code for a status (README): 0 ok, 1 partial, 2 bad input,
//! 3 not found, 4 a fault outside the command.
int exit_code_for(const Status& status);

}  // namespace lifeboat::core

// Return early from the enclosing function if `expr` (a Status) is not OK.
#define LIFEBOAT_RETURN_IF_ERROR(expr)     \
  do {                                     \
    ::lifeboat::core::Status _st = (expr); \
    if (!_st.is_ok()) return _st;          \
  } while (0)
