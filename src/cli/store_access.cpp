#include "cli/store_access.h"

#include <fmt/format.h>

#include "cli/output.h"
#include "core/profile_event.h"
#include "store/open_store.h"

namespace lifeboat::cli {

core::Result<std::unique_ptr<store::Store>> open_cli_store(const GlobalOptions& global) {
  if (!global.store_url.empty()) return store::open_store(global.store_url);
  LIFEBOAT_ASSIGN_OR_RETURN(std::string dir, store::resolve_data_dir(global.data_dir));
  return store::open_store(store::sqlite_url_for_data_dir(dir));
}

core::Result<std::string> serve_store_url(const server::ServerConfig& config,
                                          const GlobalOptions& global) {
  if (!global.store_url.empty()) return global.store_url;
  if (!config.store.empty()) return config.store;
  LIFEBOAT_ASSIGN_OR_RETURN(
      std::string dir,
      store::resolve_data_dir(!global.data_dir.empty() ? global.data_dir : config.data_dir));
  return store::sqlite_url_for_data_dir(dir);
}

int read_cli_store(const GlobalOptions& global, const store::TransactionFn& fn) {
  auto store = open_cli_store(global);
  if (!store) return report_failure(store.status());
  core::Status st = (*store)->read(fn);
  return st.is_ok() ? 0 : report_failure(st);
}

core::Result<std::unique_ptr<RegistryAccess>> open_cli_registry(const GlobalOptions& global) {
  auto access = std::make_unique<RegistryAccess>();
  LIFEBOAT_ASSIGN_OR_RETURN(access->store, open_cli_store(global));
  access->registry = std::make_unique<registry::Registry>(*access->store, access->platform,
                                                          core::SystemClock::instance());
  return access;
}

int report_failure(const core::Status& status) {
  print_error(status.message());
  int code = core::exit_code_for(status);
  return code == 0 ? 4 : code;
}

void add_key_options(CLI::App& cmd, KeyOptions& opts, const std::string& prefix, bool required) {
  auto* d = cmd.add_option("--" + prefix + "domain-name", opts.domain_name, "domain name");
  auto* p = cmd.add_option("--" + prefix + "profile-name", opts.profile_name,
                           "user profile or space name");
  if (required) {
    d->required();
    p->required();
  }
  cmd.add_option("--" + prefix + "kind", opts.kind, "user or space (default user)")
      ->check(CLI::IsMember({"user", "space"}));
}

core::Result<core::ProfileKey> resolve_key(const KeyOptions& opts, const std::string& prefix) {
  core::ProfileKey key;
  LIFEBOAT_ASSIGN_OR_RETURN(key.kind, core::parse_profile_kind(opts.kind, "--" + prefix + "kind"));
  LIFEBOAT_RETURN_IF_ERROR(core::validate_name(opts.domain_name, "--" + prefix + "domain-name"));
  LIFEBOAT_RETURN_IF_ERROR(core::validate_name(opts.profile_name, "--" + prefix + "profile-name"));
  key.domain_name = opts.domain_name;
  key.name = opts.profile_name;
  return key;
}

namespace {

std::string home_text(const std::optional<core::HomeLocation>& home) {
  return home ? home->to_string() : "-";
}

}  // namespace

const std::vector<std::string>& profile_headers() {
  static const std::vector<std::string> headers{
      "DOMAIN", "KIND",        "NAME",           "STATUS",
      "HOME",   "REPLICATION", "PENDING_SOURCE", "LAST_REPLICATION"};
  return headers;
}

std::vector<std::string> profile_row(const core::Profile& p) {
  return {p.key.domain_name,
          std::string(core::profile_kind_name(p.key.kind)),
          p.key.name,
          std::string(core::profile_status_name(p.status)),
          home_text(p.home),
          p.replication ? "on" : "off",
          home_text(p.pending_source),
          p.last_replication ? p.last_replication->status : "-"};
}

void print_profiles(const GlobalOptions& global, const std::vector<core::Profile>& profiles,
                    bool single) {
  if (want_json(global)) {
    if (single && profiles.size() == 1) {
      print_json(core::profile_to_json(profiles.front()));
      return;
    }
    core::Json arr = core::Json::array();
    for (const auto& p : profiles) arr.push_back(core::profile_to_json(p));
    print_json(arr);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : profiles) rows.push_back(profile_row(p));
  print_table(profile_headers(), rows);
}

}  // namespace lifeboat::cli
