// The Debian package (`make deb`, scripts/build-deb.sh; README "Installing the Debian
// package"), built once by the ctest fixture packaging.build_deb from the already built
// `lifeboat`: its name, control fields, contents and modes, conffiles, the Depends the
// binary's libraries need, lintian, the systemd unit (systemd-analyze), and the installed
// binary run from a scratch root (dpkg -x): --version, --help, `serve` with the shipped
// config, and a copy with only the capabilities the unit grants.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/server_config.h"
#include "support/daemon_process.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

namespace fsys = std::filesystem;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

ProcessResult run(const std::vector<std::string>& argv) { return run_process(argv); }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The package packaging.build_deb left in LIFEBOAT_DEB_DIR, unpacked once per process.
class DebianPackage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    version_ = trimmed(run({lifeboat_bin(), "--version"}).out);
    arch_ = trimmed(run({"dpkg", "--print-architecture"}).out);
    deb_ = std::string(LIFEBOAT_DEB_DIR) + "/lifeboat_" + version_ + "_" + arch_ + ".deb";
    scratch_ = new TempDir("lifeboat-deb");
    root_ = *scratch_ / "root";
    auto x = run({"dpkg", "-x", deb_, root_});
    ASSERT_EQ(x.exit_code, 0) << deb_ << ": " << x.err;
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }
  static std::string field(const std::string& name) {
    return trimmed(run({"dpkg-deb", "--field", deb_, name}).out);
  }
  static std::string installed(const std::string& path) { return root_ + path; }

  static inline std::string version_, arch_, deb_, root_;
  static inline TempDir* scratch_ = nullptr;
};

TEST_F(DebianPackage, IsNamedAfterTheBinarysVersionAndDpkgsArchitecture) {
  EXPECT_EQ(version_, LIFEBOAT_VERSION);
  ASSERT_TRUE(fsys::exists(deb_)) << deb_;
  EXPECT_EQ(field("Package"), "lifeboat");
  EXPECT_EQ(field("Version"), version_);
  EXPECT_EQ(field("Architecture"), arch_);
  EXPECT_EQ(field("Section"), "admin");
  EXPECT_FALSE(field("Maintainer").empty());
  EXPECT_FALSE(field("Installed-Size").empty());
}

// Every shared library the shipped binary needs comes from a package in Depends.
TEST_F(DebianPackage, DependsOnThePackageOfEveryLibraryTheBinaryNeeds) {
  const std::string depends = field("Depends");
  std::set<std::string> depended;
  for (const std::string& part : lines(std::regex_replace(depends, std::regex(",\\s*"), "\n"))) {
    depended.insert(part.substr(0, part.find(' ')));
  }
  auto elf = run({"readelf", "-d", installed("/usr/bin/lifeboat")});
  ASSERT_EQ(elf.exit_code, 0) << elf.err;
  std::regex needed("\\(NEEDED\\).*\\[(.*)\\]");
  int libraries = 0;
  for (const std::string& line : lines(elf.out)) {
    std::smatch m;
    if (!std::regex_search(line, m, needed)) continue;
    ++libraries;
    // Which installed package holds the library (its path as ld.so finds it; /lib and
    // /usr/lib are one directory on a merged-/usr system, dpkg knows one of the two), and
    // the names that package answers to (shlibs files may name what it Provides).
    const std::string find =
        "p=$(ldconfig -p | awk -v l='" + m[1].str() +
        "' '$1 == l {print $NF; exit}'); pkg=$( (dpkg -S \"$p\" || dpkg -S \"${p#/usr}\" || "
        "dpkg -S \"/usr$p\") 2>/dev/null | head -1 | cut -d: -f1); "
        "[ -n \"$pkg\" ] && dpkg-query -W -f='${Package} ${Provides}\\n' \"$pkg\"";
    auto where = run({"sh", "-c", find});
    ASSERT_EQ(where.exit_code, 0) << m[1] << ": " << where.err;
    bool found = false;
    for (const std::string& name :
         lines(std::regex_replace(where.out, std::regex("\\([^)]*\\)|,|:[a-z0-9]+"), "\n"))) {
      std::istringstream words(name);
      for (std::string w; words >> w;) found = found || depended.count(w) > 0;
    }
    EXPECT_TRUE(found) << m[1] << " is in " << where.out << "which is not in Depends: " << depends;
  }
  EXPECT_GE(libraries, 5);
  // The sonames the code relies on, each named by its Debian package.
  for (const char* pkg : {"libc6", "libsqlite3-0", "libcurl4", "libpq5", "libacl1", "libssl3"}) {
    EXPECT_TRUE(depended.count(pkg)) << pkg << " missing from " << depends;
  }
}

struct Entry {
  std::string mode;
  std::string owner;
};

TEST_F(DebianPackage, HoldsExactlyTheseFilesWithTheseModes) {
  auto listing = run({"dpkg-deb", "--contents", deb_});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  std::map<std::string, Entry> files;
  for (const std::string& line : lines(listing.out)) {
    std::istringstream in(line);
    std::string mode, owner, size, date, time, path;
    in >> mode >> owner >> size >> date >> time >> path;
    EXPECT_EQ(owner, "root/root") << line;
    if (mode[0] == '-') files[path.substr(1)] = {mode, owner};
  }
  const std::map<std::string, std::string> expected = {
      {"/usr/bin/lifeboat", "-rwxr-xr-x"},
      {"/lib/systemd/system/lifeboat.service", "-rw-r--r--"},
      {"/etc/lifeboat/lifeboat.toml", "-rw-r--r--"},
      {"/usr/share/lifeboat/recovery.asl.json", "-rw-r--r--"},
      {"/usr/share/man/man1/lifeboat.1.gz", "-rw-r--r--"},
      {"/usr/share/doc/lifeboat/copyright", "-rw-r--r--"},
      {"/usr/share/doc/lifeboat/changelog.gz", "-rw-r--r--"},
      {"/usr/share/lintian/overrides/lifeboat", "-rw-r--r--"},
  };
  std::map<std::string, std::string> got;
  for (const auto& [path, e] : files) got[path] = e.mode;
  EXPECT_EQ(got, expected);
}

TEST_F(DebianPackage, TheConfigIsAConffileAndEveryFileHasAChecksum) {
  TempDir control;
  auto e = run({"dpkg-deb", "--control", deb_, control.path()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(control.read("conffiles"), "/etc/lifeboat/lifeboat.toml\n");
  // md5sums lists every file, and each checksum is right (dpkg --verify's data).
  auto check = run(
      {"sh", "-c", "cd '" + root_ + "' && md5sum --check --quiet '" + (control / "md5sums") + "'"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(lines(control.read("md5sums")).size(), 8U);
  // No maintainer scripts: installing starts nothing until the administrator enables it.
  for (const char* script : {"preinst", "postinst", "prerm", "postrm"}) {
    EXPECT_FALSE(fsys::exists(control / script)) << script;
  }
}

TEST_F(DebianPackage, ShipsTheStrippedProductionBinaryAndTheBuiltInWorkflow) {
  auto sections = run({"readelf", "-S", "-W", installed("/usr/bin/lifeboat")});
  ASSERT_EQ(sections.exit_code, 0) << sections.err;
  EXPECT_EQ(sections.out.find(".symtab"), std::string::npos) << "not stripped";
  EXPECT_EQ(sections.out.find(".debug_"), std::string::npos) << "debug info shipped";
  std::ifstream in(installed("/usr/bin/lifeboat"), std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  EXPECT_EQ(bytes.find("lifeboat:test.echo"), std::string::npos) << "test-only code shipped";
  // Full RELRO: BIND_NOW in the dynamic section.
  auto dynamic = run({"readelf", "-d", installed("/usr/bin/lifeboat")});
  EXPECT_NE(dynamic.out.find("BIND_NOW"), std::string::npos) << dynamic.out;
  // The workflow file is the one the binary has built in.
  std::ifstream shipped(installed("/usr/share/lifeboat/recovery.asl.json"));
  std::ifstream source(std::string(LIFEBOAT_SOURCE_DIR) + "/workflows/recovery.asl.json");
  const std::string a{std::istreambuf_iterator<char>(shipped), {}};
  const std::string b{std::istreambuf_iterator<char>(source), {}};
  EXPECT_EQ(a, b);
  auto valid = run({installed("/usr/bin/lifeboat"), "workflow", "validate",
                    installed("/usr/share/lifeboat/recovery.asl.json")});
  EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
}

TEST_F(DebianPackage, LintianIsCleanWithTheShippedOverrides) {
  auto r = run({"lintian", "--pedantic", "--display-info", "--fail-on",
                "error,warning,info,pedantic", deb_});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const std::string& line : lines(r.out)) {
    EXPECT_FALSE(std::regex_search(line, std::regex("^[EWIPX]: "))) << line;
  }
}

TEST_F(DebianPackage, TheManPageIsGeneratedFromHelp) {
  auto man = run({"sh", "-c", "zcat '" + installed("/usr/share/man/man1/lifeboat.1.gz") + "'"});
  ASSERT_EQ(man.exit_code, 0) << man.err;
  EXPECT_NE(man.out.find(".TH LIFEBOAT \"1\""), std::string::npos) << man.out.substr(0, 400);
  EXPECT_NE(man.out.find(version_), std::string::npos);
  for (const char* text : {"serve", "copy", "token", "/etc/lifeboat/lifeboat.toml", "SEE ALSO"}) {
    EXPECT_NE(man.out.find(text), std::string::npos) << text;
  }
}

TEST_F(DebianPackage, TheInstalledBinaryRuns) {
  auto v = run({installed("/usr/bin/lifeboat"), "--version"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(trimmed(v.out), version_);
  auto h = run({installed("/usr/bin/lifeboat"), "--help"});
  EXPECT_EQ(h.exit_code, 0) << h.err;
  EXPECT_NE(h.out.find("serve"), std::string::npos) << h.out;
}

TEST_F(DebianPackage, TheInstalledDaemonServesWithTheShippedConfig) {
  TempDir data;
  DaemonStart start;
  start.binary = installed("/usr/bin/lifeboat");
  DaemonProcess daemon(data / "state", {"--config", installed("/etc/lifeboat/lifeboat.toml")}, {},
                       start);
  auto health = daemon.request_anonymous("GET", "/healthz");
  EXPECT_EQ(health.status, 200) << health.body << daemon.log();
  EXPECT_EQ(daemon.request_anonymous("GET", "/v1/profiles").status, 401);
  auto profiles = daemon.request("GET", "/v1/profiles");
  EXPECT_EQ(profiles.status, 200) << profiles.body;
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();
}

// A directive of the installed unit: the words after "Key=" on each line (a key may repeat).
std::vector<std::string> unit_values(const std::string& unit_path, const std::string& key) {
  std::ifstream in(unit_path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + "=", 0) != 0) continue;
    std::istringstream words(line.substr(key.size() + 1));
    for (std::string w; words >> w;) out.push_back(w);
  }
  return out;
}

TEST_F(DebianPackage, TheUnitVerifiesAndIsHardened) {
  const std::string unit = installed("/lib/systemd/system/lifeboat.service");
  // systemd-analyze checks the ExecStart binary exists: point it at the unpacked one.
  TempDir dir;
  std::ifstream in(unit);
  std::string text{std::istreambuf_iterator<char>(in), {}};
  text = std::regex_replace(text, std::regex("ExecStart=/usr/bin/lifeboat"),
                            "ExecStart=" + installed("/usr/bin/lifeboat"));
  auto verify = run({"systemd-analyze", "verify", "--man=no", dir.write("lifeboat.service", text)});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Unknown or misspelt directives are only warnings to systemd: none may be printed.
  EXPECT_EQ(verify.out + verify.err, "");

  auto security =
      run({"systemd-analyze", "security", "--offline=yes", "--root=" + root_, "lifeboat.service"});
  ASSERT_EQ(security.exit_code, 0) << security.out << security.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      security.out, m, std::regex("Overall exposure level for lifeboat.service: ([0-9.]+)")))
      << security.out;
  // systemd's scale: 10 is a root service with no hardening; below 4 it calls "OK".
  EXPECT_LT(std::stod(m[1].str()), 4.0) << security.out;

  EXPECT_EQ(unit_values(unit, "ExecStart")[0], "/usr/bin/lifeboat");
  EXPECT_EQ(unit_values(unit, "ProtectSystem"), std::vector<std::string>{"strict"});
  EXPECT_EQ(unit_values(unit, "NoNewPrivileges"), std::vector<std::string>{"yes"});
  EXPECT_EQ(unit_values(unit, "StateDirectory"), std::vector<std::string>{"lifeboat"});
  // setgid directories must be recreated (README): RestrictSUIDSGID would forbid it.
  EXPECT_TRUE(unit_values(unit, "RestrictSUIDSGID").empty());
  const std::vector<std::string> caps = {"CAP_CHOWN", "CAP_FOWNER", "CAP_DAC_READ_SEARCH",
                                         "CAP_DAC_OVERRIDE", "CAP_FSETID"};
  EXPECT_EQ(unit_values(unit, "CapabilityBoundingSet"), caps);
  EXPECT_EQ(unit_values(unit, "AmbientCapabilities"), caps);
}

// The shipped config's data directory and volumes are writable under the shipped unit.
TEST_F(DebianPackage, TheShippedConfigsPathsAreWritableUnderTheUnit) {
  auto config = server::load_server_config(installed("/etc/lifeboat/lifeboat.toml"));
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  const std::string unit = installed("/lib/systemd/system/lifeboat.service");
  std::vector<std::string> writable = {"/var/lib/" + unit_values(unit, "StateDirectory")[0]};
  for (std::string p : unit_values(unit, "ReadWritePaths")) {
    writable.push_back(p[0] == '-' ? p.substr(1) : p);
  }
  auto under = [&](const std::string& path) {
    return std::any_of(writable.begin(), writable.end(), [&](const std::string& w) {
      return path == w || path.rfind(w + "/", 0) == 0;
    });
  };
  EXPECT_TRUE(under(config->data_dir)) << config->data_dir;
  ASSERT_FALSE(config->volumes.empty());
  for (const auto& [id, path] : config->volumes) EXPECT_TRUE(under(path)) << id << ": " << path;
}

// Copies under the unit's capability set alone, as the daemon would run it: run by root
// with the bounding set cut down (setpriv), every capability outside it is gone.
class CopyWithUnitCapabilities : public DebianPackage {
 protected:
  // Source tree: homes of other users, a setgid shared directory of a group root is not
  // in, a private file and directory root may not read by mode.
  static void make_tree(const std::string& src) {
    fsys::create_directories(src + "/shared");
    fsys::create_directories(src + "/private");
    std::ofstream(src + "/private/notes.txt") << "only alice may read this\n";
    std::ofstream(src + "/shared/data.csv") << "a,b\n1,2\n";
    ASSERT_EQ(::chown(src.c_str(), 4101, 4101), 0);
    ASSERT_EQ(::chmod(src.c_str(), 0700), 0);
    ASSERT_EQ(::chown((src + "/private").c_str(), 4101, 4101), 0);
    ASSERT_EQ(::chmod((src + "/private").c_str(), 0700), 0);
    ASSERT_EQ(::chown((src + "/private/notes.txt").c_str(), 4101, 4101), 0);
    ASSERT_EQ(::chmod((src + "/private/notes.txt").c_str(), 0600), 0);
    ASSERT_EQ(::chown((src + "/shared").c_str(), 4101, 4202), 0);
    ASSERT_EQ(::chmod((src + "/shared").c_str(), 02770), 0);
    ASSERT_EQ(::chown((src + "/shared/data.csv").c_str(), 4101, 4202), 0);
    ASSERT_EQ(::chmod((src + "/shared/data.csv").c_str(), 0660), 0);
  }

  ProcessResult copy_with(const std::vector<std::string>& caps, const std::string& src,
                          const std::string& dst) {
    std::string bounding = "-all";
    for (const std::string& c : caps) {
      std::string name = c.substr(4);  // CAP_CHOWN -> chown
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      bounding += ",+" + name;
    }
    return run({"setpriv", "--no-new-privs", "--bounding-set", bounding, "--inh-caps", "-all",
                installed("/usr/bin/lifeboat"), "--output", "json", "copy", src, dst});
  }
};

TEST_F(CopyWithUnitCapabilities, KeepsOwnersModesAndContents) {
  if (::geteuid() != 0) GTEST_SKIP() << "the daemon runs as root; so must this test";
  TempDir dir;
  const std::string src = dir / "old-home", dst = dir / "new-home";
  make_tree(src);
  const auto caps =
      unit_values(installed("/lib/systemd/system/lifeboat.service"), "CapabilityBoundingSet");
  ASSERT_FALSE(caps.empty());
  auto r = copy_with(caps, src, dst);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  struct stat st {};
  ASSERT_EQ(::stat((dst + "/shared").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 02770U);
  EXPECT_EQ(st.st_uid, 4101U);
  EXPECT_EQ(st.st_gid, 4202U);
  ASSERT_EQ(::stat((dst + "/private/notes.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  EXPECT_EQ(st.st_uid, 4101U);
  std::ifstream notes(dst + "/private/notes.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(notes), {}), "only alice may read this\n");
  ASSERT_EQ(::stat(dst.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 4101U);
}

// Why the unit grants CAP_FSETID beyond the four a copy obviously needs (README): without
// it the kernel drops the setgid bit of a directory whose group root is not in. The copier
// checks and fails that directory, naming the capability, rather than lose the bit quietly.
TEST_F(CopyWithUnitCapabilities, WithoutFsetidALostSetgidBitFailsTheCopyNamingTheCapability) {
  if (::geteuid() != 0) GTEST_SKIP() << "the daemon runs as root; so must this test";
  TempDir dir;
  const std::string src = dir / "old-home", dst = dir / "new-home";
  make_tree(src);
  auto r =
      copy_with({"CAP_CHOWN", "CAP_FOWNER", "CAP_DAC_READ_SEARCH", "CAP_DAC_OVERRIDE"}, src, dst);
  EXPECT_NE(r.exit_code, 0) << "a lost setgid bit reported as success\n" << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("CAP_FSETID"), std::string::npos) << all;
  EXPECT_NE(all.find("shared"), std::string::npos) << all;
  struct stat st {};
  ASSERT_EQ(::stat((dst + "/shared").c_str(), &st), 0) << all;
  EXPECT_EQ(st.st_mode & 02000, 0U)
      << "setgid kept without CAP_FSETID: the unit's comment is wrong";
  // Everything else still arrived.
  ASSERT_EQ(::stat((dst + "/private/notes.txt").c_str(), &st), 0) << all;
  EXPECT_EQ(st.st_uid, 4101U);
}

}  // namespace
}  // namespace lifeboat::testing
