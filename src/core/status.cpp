#include "core/status.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/enum_names.h"

namespace lifeboat::core {

template <>
struct EnumNames<StatusCode> {
  static constexpr std::array<EnumName<StatusCode>, 13> kNames{{
      {StatusCode::kOk, "OK"},
      {StatusCode::kInvalidArgument, "InvalidArgument"},
      {StatusCode::kNotFound, "NotFound"},
      {StatusCode::kAlreadyExists, "AlreadyExists"},
      {StatusCode::kFailedPrecondition, "FailedPrecondition"},
      {StatusCode::kPermissionDenied, "PermissionDenied"},
      {StatusCode::kIoError, "IoError"},
      {StatusCode::kNoSpace, "NoSpace"},
      {StatusCode::kUnavailable, "Unavailable"},
      {StatusCode::kTimeout, "Timeout"},
      {StatusCode::kCancelled, "Cancelled"},
      {StatusCode::kPartial, "Partial"},
      {StatusCode::kInternal, "Internal"},
  }};
};

std::string_view status_code_name(StatusCode code) { return name_of(code); }

Status Status::from_errno(int err, std::string_view context) {
  StatusCode code = StatusCode::kIoError;
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      code = StatusCode::kNotFound;
      break;
    case EEXIST:
    case ENOTEMPTY:
      code = StatusCode::kAlreadyExists;
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      code = StatusCode::kPermissionDenied;
      break;
    case ENOSPC:
    case EDQUOT:
      code = StatusCode::kNoSpace;
      break;
    case EINVAL:
    case ENAMETOOLONG:
    case ELOOP:
      code = StatusCode::kInvalidArgument;
      break;
    case ETIMEDOUT:
      code = StatusCode::kTimeout;
      break;
    case ECANCELED:
    case EINTR:
      code = StatusCode::kCancelled;
      break;
    default:
      code = StatusCode::kIoError;
      break;
  }
  char buf[256];
  // GNU strerror_r returns the message pointer (which may or may not be buf).
  const char* text = strerror_r(err, buf, sizeof buf);
  Status st(code, context.empty() ? std::string(text) : fmt::format("{}: {}", context, text));
  st.errno_ = err;
  return st;
}

std::string Status::to_string() const {
  if (is_ok()) return "OK";
  return fmt::format("{}: {}", status_code_name(code_), message_);
}

Status Status::with_context(std::string_view context) const {
  if (is_ok()) return *this;
  Status st(code_, fmt::format("{}: {}", context, message_));
  st.errno_ = errno_;
  return st;
}

int exit_code_for(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kPartial:
      return 1;
    case StatusCode::kInvalidArgument:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 2;
    case StatusCode::kNotFound:
      return 3;
    default:
      return 4;
  }
}

}  // namespace lifeboat::core
