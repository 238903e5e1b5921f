#include "store/transfer_log.h"

namespace lifeboat::store {

const std::string_view kTransfersMigrationSql = R"sql(
CREATE TABLE transfers (
  seq BIGINT PRIMARY KEY,
  execution_id TEXT NOT NULL,
  domain_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  bytes_written BIGINT NOT NULL,
  bytes_transferred BIGINT NOT NULL,
  files_transferred BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX transfers_by_execution ON transfers (execution_id);
INSERT INTO counters (name, value) VALUES ('transfers', 0);
)sql";

core::Result<std::int64_t> append_transfer(SqlSession& sql, const TransferRecord& r) {
  if (!r.result.execution_id.empty()) {
    LIFEBOAT_RETURN_IF_ERROR(
        sql.execute("DELETE FROM transfers WHERE execution_id = ? AND domain_name = ? AND "
                    "kind = ? AND name = ?",
                    {r.result.execution_id, r.key.domain_name,
                     std::string(core::profile_kind_name(r.key.kind)), r.key.name})
            .status());
  }
  LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t seq, next_counter(sql, "transfers"));
  LIFEBOAT_RETURN_IF_ERROR(
      sql.execute("INSERT INTO transfers (seq, execution_id, domain_name, kind, name, status, "
                  "bytes_written, bytes_transferred, files_transferred, duration_ms, "
                  "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {seq, r.result.execution_id, r.key.domain_name,
                   std::string(core::profile_kind_name(r.key.kind)), r.key.name, r.result.status,
                   r.result.bytes_written, r.result.bytes_transferred, r.result.files_transferred,
                   r.result.duration_ms, r.recorded_at})
          .status());
  return seq;
}

namespace {

constexpr std::string_view kTransferColumns =
    "seq, execution_id, domain_name, kind, name, status, bytes_written, bytes_transferred, "
    "files_transferred, duration_ms, recorded_at";

TransferRecord transfer_from_row(const SqlRow& row) {
  TransferRecord r;
  r.seq = row.integer(0);
  r.result.execution_id = row.text(1);
  r.key.domain_name = row.text(2);
  r.key.kind = core::parse_profile_kind(row.text(3)).value_or(core::ProfileKind::kUser);
  r.key.name = row.text(4);
  r.result.status = row.text(5);
  r.result.bytes_written = row.integer(6);
  r.result.bytes_transferred = row.integer(7);
  r.result.files_transferred = row.integer(8);
  r.result.duration_ms = row.integer(9);
  r.recorded_at = row.text(10);
  return r;
}

}  // namespace

core::Result<std::vector<TransferRecord>> list_transfers(SqlSession& sql, std::int64_t limit) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                            sql.query(std::string("SELECT ") + std::string(kTransferColumns) +
                                          " FROM transfers ORDER BY seq DESC LIMIT ?",
                                      {limit}));
  std::vector<TransferRecord> out;
  for (const auto& row : rows) out.push_back(transfer_from_row(row));
  return out;
}

core::Result<Page<TransferRecord>> list_transfers_page(SqlSession& sql, const TransferQuery& query,
                                                       const PageRequest& page) {
  KeysetQuery q;
  q.scope = "transfers;";
  q.columns = std::string(kTransferColumns);
  q.from = "transfers";
  if (query.status) {
    q.scope += scope_part("status", *query.status);
    q.conditions.emplace_back("status = ?");
    q.params.emplace_back(*query.status);
  }
  if (query.domain_name) {
    q.scope += scope_part("domain", *query.domain_name);
    q.conditions.emplace_back("domain_name = ?");
    q.params.emplace_back(*query.domain_name);
  }
  q.keys = {{"seq", KeyType::kInteger}};
  q.descending = true;
  LIFEBOAT_ASSIGN_OR_RETURN(Page<SqlRow> rows, run_keyset_query(sql, q, page));
  Page<TransferRecord> out;
  out.next_cursor = std::move(rows.next_cursor);
  for (const SqlRow& row : rows.items) out.items.push_back(transfer_from_row(row));
  return out;
}

core::Json transfer_to_json(const TransferRecord& r) {
  core::Json j{{"seq", r.seq},
               {"execution_id", r.result.execution_id},
               {"domain_name", r.key.domain_name},
               {"kind", std::string(core::profile_kind_name(r.key.kind))},
               {"replication_status", r.result.status},
               {"bytes_written", r.result.bytes_written},
               {"bytes_transferred", r.result.bytes_transferred},
               {"files_transferred", r.result.files_transferred},
               {"total_duration_ms", r.result.duration_ms},
               {"recorded_at", r.recorded_at}};
  j[r.key.kind == core::ProfileKind::kUser ? "user_profile_name" : "space_name"] = r.key.name;
  return j;
}

}  // namespace lifeboat::store
