// Result<T>: a value or a non-OK Status (g++ 12's C++20 has no std::expected).
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/status.h"

namespace lifeboat::core {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).is_ok() && "Result built from an OK status");
  }

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return is_ok(); }

  //! The error; an OK status if this holds a value.
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(data_); }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  T value_or(T fallback) const { return is_ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace lifeboat::core

// Evaluate `rexpr` (a Result); on error return its Status, else move the value into `lhs`.
#define LIFEBOAT_CONCAT_INNER(a, b) a##b
#define LIFEBOAT_CONCAT(a, b) LIFEBOAT_CONCAT_INNER(a, b)
#define LIFEBOAT_ASSIGN_OR_RETURN(lhs, rexpr) \
  LIFEBOAT_ASSIGN_OR_RETURN_IMPL(LIFEBOAT_CONCAT(_result_, __LINE__), lhs, rexpr)
#define LIFEBOAT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                   \
  if (!tmp.is_ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
