#include "server/doctor.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "aws/json_service_client.h"
#include "server/sqs_queue.h"
#include "store/open_store.h"
#include "store/postgres_url.h"
#include "store/schema_migrations.h"

namespace lifeboat::server {
namespace {

constexpr const char* kNoCredentials = "none found";
// A check answers within seconds: one retry, not the daemon's eight.
constexpr int kDoctorAttempts = 2;

// A uid and gid no account or group uses, so the probe's chown is a real change of owner
// (as a copy's is) and the scratch file could never be mistaken for someone's.
uid_t unused_uid() {
  for (uid_t uid = 2000000000U; uid < 2000001000U; ++uid) {
    if (::getpwuid(uid) == nullptr) return uid;
  }
  return 2000000000U;
}
gid_t unused_gid() {
  for (gid_t gid = 2000000000U; gid < 2000001000U; ++gid) {
    if (::getgrgid(gid) == nullptr) return gid;
  }
  return 2000000000U;
}

// True when `path` is the root of a mount (its device differs from its parent's, or it is
// its parent, as "/" is).
bool is_mount_point(const std::string& path, const struct stat& st) {
  struct stat parent {};
  if (::stat((path + "/..").c_str(), &parent) != 0) return false;
  return parent.st_dev != st.st_dev || parent.st_ino == st.st_ino;
}

DoctorCheck check_store(const DoctorInputs& in, std::vector<core::Volume>* registered) {
  DoctorCheck c{"store", false, "", ""};
  if (!in.store_url_error.is_ok()) {
    c.detail = in.store_url_error.message();
    c.fix = "set store (or data_dir) in the config, or pass --store / --data-dir";
    return c;
  }
  const std::string shown = store::mask_postgres_password(in.store_url);
  auto opened = store::open_store(in.store_url);
  if (!opened.is_ok()) {
    c.detail = opened.status().message();
    c.fix = fmt::format(
        "make the store at {} reachable: for PostgreSQL check the server, the URL, the "
        "password and that the database exists; for SQLite that its directory exists and "
        "is writable",
        shown);
    return c;
  }
  auto version = (*opened)->schema_version();
  if (!version.is_ok()) {
    c.detail = version.status().message();
    c.fix = "the store answered but its schema could not be read: check the database user's rights";
    return c;
  }
  core::Status listed = (*opened)->read([&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(*registered, t.list_volumes());
    return core::Status::ok();
  });
  if (!listed.is_ok()) {
    c.detail = listed.message();
    c.fix = "the store answered but could not be read: check the database user's rights";
    return c;
  }
  c.ok = *version == store::latest_schema_version();
  c.detail = fmt::format("{} answers; schema version {} (this lifeboat's: {})", shown, *version,
                         store::latest_schema_version());
  if (!c.ok)
    c.fix = "run the lifeboat version that matches this store, or `lifeboat store migrate`";
  return c;
}

DoctorCheck check_volume(const std::string& id, const std::string& path) {
  DoctorCheck c{fmt::format("volume {}", id), false, "", ""};
  struct stat st {};
  if (path.empty() || path.front() != '/') {
    c.detail = fmt::format("path '{}' is not absolute", path);
    c.fix = "give the volume's absolute mount path in [volumes] or `lifeboat volumes add`";
    return c;
  }
  if (::stat(path.c_str(), &st) != 0) {
    c.detail = core::Status::from_errno(errno, fmt::format("'{}'", path)).message();
    c.fix =
        fmt::format("mount the volume (e.g. the domain's EFS) at {}, or correct the path", path);
    return c;
  }
  if (!S_ISDIR(st.st_mode)) {
    c.detail = fmt::format("'{}' is not a directory", path);
    c.fix = fmt::format("mount the volume at {}, or correct the path", path);
    return c;
  }
  core::Status probe = probe_volume(path);
  if (!probe.is_ok()) {
    c.detail = probe.message();
    c.fix = fmt::format(
        "run lifeboat as root (or with CAP_CHOWN, CAP_FOWNER, CAP_DAC_OVERRIDE) and mount {} "
        "read-write, without root squashing (EFS: an IAM policy granting "
        "elasticfilesystem:ClientRootAccess and ClientWrite)",
        path);
    return c;
  }
  c.ok = true;
  c.detail =
      fmt::format("{} is {}; writable, and chown works there", path,
                  is_mount_point(path, st) ? "a mount point" : "a directory (not a mount point)");
  return c;
}

std::string no_credentials_fix() {
  return "give this host AWS credentials: an instance profile (EC2) or task role (ECS), "
         "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws";
}

std::string permission_fix(const core::Status& st, const std::string& what) {
  if (st.code() == core::StatusCode::kPermissionDenied) {
    return "grant the IAM action named above to this host's role (packaging/aws has the policy)";
  }
  if (st.code() == core::StatusCode::kUnavailable || st.code() == core::StatusCode::kTimeout) {
    return fmt::format(
        "check that this host can reach {} (VPC endpoint or NAT, security "
        "groups, DNS)",
        what);
  }
  return fmt::format("check the {} settings (region, endpoint_url) and that it exists", what);
}

void check_sagemaker(const ServerConfig& config, const aws::Environment& env,
                     std::vector<DoctorCheck>& out) {
  aws::ClientOptions options;
  options.region = config.platform.region;
  options.endpoint_url = config.platform.endpoint_url;
  options.profile = config.platform.profile;
  options.max_attempts = kDoctorAttempts;
  auto client = aws::JsonServiceClient::create(aws::sagemaker_service(), options, env);
  if (!client.is_ok()) {
    out.push_back({"sagemaker", false, client.status().message(),
                   "set [platform] region (or AWS_REGION) and a valid endpoint_url"});
    return;
  }
  const std::string source = (*client)->credential_source();
  if (source == kNoCredentials) {
    out.push_back(
        {"credentials (sagemaker)", false, "no AWS credentials found", no_credentials_fix()});
    return;
  }
  out.push_back({"credentials (sagemaker)", true, fmt::format("from {}", source), ""});
  auto listed = (*client)->call("ListDomains", {{"MaxResults", 1}});
  if (!listed.is_ok()) {
    out.push_back({"sagemaker", false, listed.status().message(),
                   permission_fix(listed.status(), "SageMaker")});
    return;
  }
  out.push_back(
      {"sagemaker", true,
       fmt::format("{} in {} answers ListDomains", (*client)->endpoint(), (*client)->region()),
       ""});
}

void check_queue(const SqsQueueSettings& settings, const aws::Environment& env,
                 std::vector<DoctorCheck>& out) {
  auto queue = SqsQueue::open(settings, env, kDoctorAttempts);
  const std::string label = fmt::format("queue {}", settings.queue_url);
  if (!queue.is_ok()) {
    out.push_back({label, false, queue.status().message(),
                   "set region and endpoint_url in this [[intake.sqs]] (or AWS_REGION)"});
    return;
  }
  const std::string source = (*queue)->credential_source();
  if (source == kNoCredentials) {
    out.push_back({fmt::format("credentials (queue {})", (*queue)->name()), false,
                   "no AWS credentials found", no_credentials_fix()});
    return;
  }
  out.push_back({fmt::format("credentials (queue {})", (*queue)->name()), true,
                 fmt::format("from {}", source), ""});
  auto attrs = (*queue)->attributes({"VisibilityTimeout", "RedrivePolicy"});
  if (!attrs.is_ok()) {
    out.push_back(
        {label, false, attrs.status().message(),
         permission_fix(attrs.status(), fmt::format("the queue {}", settings.queue_url))});
    return;
  }
  std::string redrive =
      "no redrive policy: a message that can never be applied comes back "
      "forever (add a dead-letter queue)";
  if (auto r = attrs->find("RedrivePolicy"); r != attrs->end()) {
    auto policy = core::parse_json(r->second, "RedrivePolicy");
    if (policy.is_ok() && policy->is_object()) {
      redrive = fmt::format(
          "dead-letter queue {} after {} receives", policy->value("deadLetterTargetArn", "?"),
          policy->contains("maxReceiveCount") ? (*policy)["maxReceiveCount"].dump() : "?");
    }
  }
  out.push_back({label, true,
                 fmt::format("answers GetQueueAttributes at {}; {}", (*queue)->endpoint(), redrive),
                 ""});
}

}  // namespace

core::Status probe_volume(const std::string& path) {
  std::string scratch = path + "/.lifeboat-doctor-XXXXXX";
  // mkdtemp makes a new directory (mode 0700) under a fresh random name: nothing another
  // user planted can be in the way.
  if (::mkdtemp(scratch.data()) == nullptr) {
    return core::Status::from_errno(errno, fmt::format("create a scratch directory in '{}'", path));
  }
  int dir = ::open(scratch.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) {
    core::Status st = core::Status::from_errno(errno, fmt::format("open '{}'", scratch));
    ::rmdir(scratch.c_str());
    return st;
  }
  core::Status result;
  int fd = ::openat(dir, "probe", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    result = core::Status::from_errno(errno, fmt::format("create a file in '{}'", path));
  } else {
    if (::fchown(fd, unused_uid(), unused_gid()) != 0) {
      result = core::Status::from_errno(errno, fmt::format("chown a file in '{}'", path));
    }
    ::close(fd);
    ::unlinkat(dir, "probe", 0);
  }
  ::close(dir);
  if (::rmdir(scratch.c_str()) != 0 && result.is_ok()) {
    result = core::Status::from_errno(errno, fmt::format("remove '{}'", scratch));
  }
  return result;
}

std::string doctor_line(const DoctorCheck& check) {
  if (check.ok) return fmt::format("ok {}: {}", check.name, check.detail);
  return fmt::format("FAIL {}: {}; to fix: {}", check.name, check.detail, check.fix);
}

std::vector<DoctorCheck> run_doctor(const DoctorInputs& in) {
  std::vector<DoctorCheck> out;
  if (!in.config) {
    out.push_back({"config", false, in.config_error.message(),
                   "correct the setting named above (README \"Configuration\")"});
    return out;
  }
  const ServerConfig& config = *in.config;
  out.push_back({"config", true,
                 fmt::format("{} parses: platform {}, {} volume(s), {} queue(s)",
                             in.config_path.empty() ? "no --config (defaults)" : in.config_path,
                             config.platform.kind, config.volumes.size(), config.sqs_queues.size()),
                 ""});
  std::vector<core::Volume> registered;
  out.push_back(check_store(in, &registered));
  std::map<std::string, std::string> volumes(config.volumes.begin(), config.volumes.end());
  for (const auto& v : registered) volumes.emplace(v.id, v.mount_path);
  if (volumes.empty() && config.platform.volume_path_template.empty()) {
    out.push_back({"volumes", false, "no volume is configured or registered",
                   "add [volumes] to the config or run `lifeboat volumes add ID PATH`"});
  }
  for (const auto& [id, path] : volumes) out.push_back(check_volume(id, path));
  if (config.platform.is_sagemaker()) check_sagemaker(config, in.env, out);
  for (const auto& queue : config.sqs_queues) check_queue(queue, in.env, out);
  return out;
}

}  // namespace lifeboat::server
