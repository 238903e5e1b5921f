// TimedStore: a Store that forwards every call to another and records how long each
// transaction took (waiting for the database included) in one of two histograms, reads and
// writes: lifeboat_store_operation_duration_seconds (README, "Monitoring"). The daemon
// wraps the one store handle it uses, so every module's store work is measured in this one
// place. Thread safety: as the wrapped store; the histograms are thread safe.
#pragma once

#include <memory>

#include "core/clock.h"
#include "server/histogram.h"
#include "store/store.h"

namespace lifeboat::server {

class TimedStore final : public store::Store {
 public:
  //! Owns `inner`; borrows the histograms and `clock` (its monotonic time is used).
  TimedStore(std::unique_ptr<store::Store> inner, Histogram& reads, Histogram& writes,
             const core::Clock& clock)
      : inner_(std::move(inner)), reads_(reads), writes_(writes), clock_(clock) {}

  core::Status transact(const store::TransactionFn& fn) override;
  core::Status read(const store::TransactionFn& fn) override;
  core::Result<int> schema_version() override;
  std::string url() const override { return inner_->url(); }

 private:
  template <typename F>
  auto timed(Histogram& into, F&& call);

  std::unique_ptr<store::Store> inner_;
  Histogram& reads_;
  Histogram& writes_;
  const core::Clock& clock_;
};

}  // namespace lifeboat::server
