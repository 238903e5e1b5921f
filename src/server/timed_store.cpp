#include "server/timed_store.h"

#include <chrono>

namespace lifeboat::server {

template <typename F>
auto TimedStore::timed(Histogram& into, F&& call) {
  const auto start = clock_.steady_now();
  auto result = call();
  into.observe(std::chrono::duration<double>(clock_.steady_now() - start).count());
  return result;
}

core::Status TimedStore::transact(const store::TransactionFn& fn) {
  return timed(writes_, [&] { return inner_->transact(fn); });
}

core::Status TimedStore::read(const store::TransactionFn& fn) {
  return timed(reads_, [&] { return inner_->read(fn); });
}

core::Result<int> TimedStore::schema_version() {
  return timed(reads_, [&] { return inner_->schema_version(); });
}

}  // namespace lifeboat::server
