// read_page: one page of a StoreTransaction list, read in its own read transaction (the
// HTTP API and the CLI fetch each page this way, so no transaction spans pages).
#pragma once

#include "core/result.h"
#include "store/page.h"
#include "store/store.h"

namespace lifeboat::store {

//! Runs `fn(txn)`, which returns core::Result<Page<T>>, in a read transaction of `store`.
template <typename T, typename Fn>
core::Result<Page<T>> read_page(Store& store, Fn fn) {
  Page<T> page;
  core::Status st = store.read([&](StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(page, fn(t));
    return core::Status::ok();
  });
  if (!st.is_ok()) return st;
  return page;
}

}  // namespace lifeboat::store
