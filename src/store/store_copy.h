// Copying a whole store into another, e.g. from SQLite to PostgreSQL
// (`lifeboat store copy`, README "Moving a store").
//
// copy_store moves every table of store_tables() except schema_migrations, column by
// column as the source declares them, in ONE write transaction on the target and one read
// transaction (one snapshot) on the source: the target ends with all of it or none of it.
// Rows are streamed in batches in primary-key order, so a large store is never held in
// memory at once. Values round-trip exactly (NULL, 64-bit integers, text of any bytes).
//
// Refused with FailedPrecondition, and nothing written, when:
//   - both stores have the same url() (copying a store onto itself);
//   - the schema versions differ (open both with the same lifeboat first);
//   - the target holds data: any row in any table other than schema_migrations and the
//     seeded counters (seeded_counters(), each still at 0). Those counters are overwritten
//     with the source's values, so sequence numbers continue where the source left off.
// After copying, the row count of every copied table is compared between source and
// target inside the same target transaction; a difference fails the copy (rolled back).
//
// Thread safety: as the two Stores. Must not be called inside a transaction of either.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace lifeboat::store {

//! How many rows one table received.
struct TableCopyCount {
  std::string table;
  std::int64_t rows = 0;

  bool operator==(const TableCopyCount&) const = default;
};

//! What a successful copy wrote, in store_tables() order.
struct StoreCopyResult {
  std::vector<TableCopyCount> tables;

  //! The sum of the rows of every table.
  std::int64_t total_rows() const;
};

struct StoreCopyOptions {
  std::int64_t batch_rows = 1000;  //!< rows read from the source per query
};

//! Copies the whole of `from` into the empty store `to` (see the header comment).
core::Result<StoreCopyResult> copy_store(Store& from, Store& to,
                                         const StoreCopyOptions& options = {});

}  // namespace lifeboat::store
