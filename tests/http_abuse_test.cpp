// The daemon's HTTP server under hostile clients: a real `lifeboat serve` spoken to over
// raw sockets with oversized, malformed, slow and abandoned requests. After every abuse
// the daemon must still answer /healthz promptly (the threat model is docs/security.md).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/json.h"
#include "support/daemon_process.h"
#include "support/process.h"
#include "support/raw_http.h"

namespace lifeboat::testing {
namespace {

using core::Json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "abuse-test-token-4f1c";
constexpr std::size_t kMaxBody = 2 << 20;  // --max-body-bytes for every test
// "Promptly": generous for a loaded CI machine, far below any timeout the server has.
constexpr milliseconds kPrompt{2000};

std::string auth() { return std::string("Authorization: Bearer ") + kToken + "\r\n"; }

std::string post_events_head(const std::string& extra) {
  return "POST /v1/events HTTP/1.1\r\nHost: t\r\n" + auth() + "Content-Type: application/json\r\n" +
         extra;
}

std::string post_events(const std::string& body) {
  return post_events_head("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n") + body;
}

long ms_since(Clock::time_point start) {
  return static_cast<long>(std::chrono::duration_cast<milliseconds>(Clock::now() - start).count());
}

// Clients that hold a connection open by sending one byte of an endless request every
// `period` (slowloris), from one background thread.
class Tricklers {
 public:
  Tricklers(int port, int count, const std::string& opening, milliseconds period)
      : period_(period) {
    for (int i = 0; i < count; ++i) {
      conns_.push_back(std::make_unique<RawConnection>(port));
      conns_.back()->send(opening);
    }
    thread_ = std::thread([this] {
      while (!stop_) {
        for (auto& c : conns_) c->send("x");
        for (auto waited = milliseconds(0); waited < period_ && !stop_; waited += milliseconds(50))
          std::this_thread::sleep_for(milliseconds(50));
      }
    });
  }
  ~Tricklers() { finish(); }
  Tricklers(const Tricklers&) = delete;
  Tricklers& operator=(const Tricklers&) = delete;

  void finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<std::unique_ptr<RawConnection>>& connections() { return conns_; }

 private:
  milliseconds period_;
  std::vector<std::unique_ptr<RawConnection>> conns_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class HttpAbuseTest : public ::testing::Test {
 protected:
  void start(const std::string& http_table = "") {
    token_file_ = tmp_ / "token";
    std::ofstream(token_file_) << kToken << "\n";
    ASSERT_EQ(::chmod(token_file_.c_str(), 0600), 0);
    const std::string config = tmp_ / "lifeboat.toml";
    std::ofstream(config) << http_table;
    daemon_ = std::make_unique<DaemonProcess>(
        tmp_ / "data", std::vector<std::string>{"--config", config, "--token-file", token_file_,
                                                "--max-body-bytes", std::to_string(kMaxBody)});
  }

  int port() const { return daemon_->port(); }

  // The daemon is alive and answers a fresh client at once.
  void expect_healthy(const std::string& after) {
    ASSERT_EQ(::kill(daemon_->pid(), 0), 0) << "the daemon died after " << after << "\n"
                                            << daemon_->log();
    auto start = Clock::now();
    RawResponse r = raw_exchange(port(), "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", kPrompt);
    EXPECT_EQ(r.status, 200) << "/healthz after " << after << " (" << ms_since(start) << " ms)\n"
                             << daemon_->log();
  }

  // A problem response: its status, and a detail that is valid JSON mentioning `needle`.
  void expect_problem(const RawResponse& r, int status, const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.head << "\n" << r.body;
    auto body = core::parse_json(r.body, "the response body");
    ASSERT_TRUE(body.is_ok()) << r.body;
    const std::string detail = body->is_object() ? body->value("detail", "") : "";
    EXPECT_NE(detail.find(needle), std::string::npos) << r.body;
  }

  TempDir tmp_;
  std::string token_file_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(HttpAbuseTest, OversizedHeaderBlockIs431) {
  start();
  RawResponse r = raw_exchange(port(), "GET /v1/profiles HTTP/1.1\r\nHost: t\r\n" + auth() +
                                           "X-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  expect_problem(r, 431, "header");
  expect_healthy("an oversized header block");
}

TEST_F(HttpAbuseTest, TooManyHeaderFieldsIs431) {
  start();
  std::string fields;
  for (int i = 0; i < 150; ++i) fields += "X-F" + std::to_string(i) + ": v\r\n";
  RawResponse r =
      raw_exchange(port(), "GET /v1/profiles HTTP/1.1\r\nHost: t\r\n" + auth() + fields + "\r\n");
  expect_problem(r, 431, "header fields; at most 100");
  expect_healthy("too many header fields");
}

TEST_F(HttpAbuseTest, OverLongRequestLineIsRefused) {
  start();
  const std::string target = "/v1/profiles?domain=" + std::string(9000, 'd');
  RawResponse r =
      raw_exchange(port(), "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + auth() + "\r\n");
  EXPECT_EQ(r.status, 414) << r.head;
  // Longer than the whole header block: refused as soon as the limit is passed.
  RawResponse huge = raw_exchange(
      port(), "GET /v1/profiles?domain=" + std::string(1 << 20, 'd') + " HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(huge.status == 414 || huge.status == 431) << huge.head;
  expect_healthy("an over-long request line");
}

TEST_F(HttpAbuseTest, ContentLengthOverTheLimitIs413BeforeAnyBodyIsSent) {
  start();
  auto started = Clock::now();
  // No body follows: the answer must not wait for one.
  RawResponse r =
      raw_exchange(port(), post_events_head("Content-Length: 104857600\r\n\r\n"), kPrompt);
  expect_problem(r, 413, "max_body_bytes");
  EXPECT_LT(ms_since(started), kPrompt.count());
  expect_healthy("an announced body over the limit");
}

TEST_F(HttpAbuseTest, ExpectContinueIsAnsweredOnlyForAcceptableRequests) {
  start();
  {  // Too large: the final 413 comes instead of 100 Continue.
    RawConnection c(port());
    ASSERT_TRUE(
        c.send(post_events_head("Content-Length: 104857600\r\nExpect: 100-continue\r\n\r\n")));
    RawResponse r = c.read_response(kPrompt);
    EXPECT_EQ(r.status, 413) << r.head;
  }
  {  // Acceptable: 100 Continue, then the body, then the answer.
    RawConnection c(port());
    const std::string body = "[]";
    ASSERT_TRUE(c.send(post_events_head("Content-Length: 2\r\nExpect: 100-continue\r\n\r\n")));
    RawResponse cont = c.read_response(kPrompt);
    EXPECT_EQ(cont.status, 100) << cont.head;
    ASSERT_TRUE(c.send(body));
    RawResponse r = c.read_response(kPrompt);
    EXPECT_EQ(r.status, 200) << r.head << r.body;
  }
  expect_healthy("Expect: 100-continue");
}

TEST_F(HttpAbuseTest, ChunkedBodyOverTheLimitIs413) {
  start();
  RawConnection c(port());
  ASSERT_TRUE(c.send(post_events_head("Transfer-Encoding: chunked\r\n\r\n")));
  const std::string chunk(48 * 1024, ' ');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  std::size_t sent = 0;
  // 3 MiB against a 2 MiB limit; the server may stop reading (and answer) before the end.
  while (sent < kMaxBody + (1 << 20) && c.send(std::string(size_line) + chunk + "\r\n")) {
    sent += chunk.size();
  }
  c.send("0\r\n\r\n");
  RawResponse r = c.read_response(seconds(5));
  expect_problem(r, 413, "max_body_bytes");
  expect_healthy("a chunked body over the limit");
}

TEST_F(HttpAbuseTest, CompressedBodyIs415AndNeverInflated) {
  start();
  // A few bytes of gzip that would inflate to far more than the body limit.
  const std::string gzip_magic = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03";
  RawResponse r =
      raw_exchange(port(), post_events_head("Content-Encoding: gzip\r\nContent-Length: " +
                                            std::to_string(gzip_magic.size()) + "\r\n\r\n") +
                               gzip_magic);
  expect_problem(r, 415, "Content-Encoding");
  expect_healthy("a gzip body");
}

TEST_F(HttpAbuseTest, DeeplyNestedJsonIs400AndTheDaemonLives) {
  start();
  // Valid JSON, 512 Ki levels deep: parsing it is iterative, but copying or destroying
  // the tree recurses once per level and overflows the stack.
  const std::size_t depth = 512 * 1024;
  RawResponse r = raw_exchange(
      port(), post_events(std::string(depth, '[') + std::string(depth, ']')), seconds(10));
  expect_problem(r, 400, "128 levels");
  // Nested within the limit but still malformed: an ordinary 400.
  RawResponse shallow = raw_exchange(port(), post_events(std::string(100, '[')));
  EXPECT_EQ(shallow.status, 400) << shallow.body;
  expect_healthy("1 MiB of nested arrays");
}

TEST_F(HttpAbuseTest, NumberOutOfRangeIs400) {
  start();
  RawResponse r = raw_exchange(port(), post_events(R"({"specversion": "1.0", "x": 1e400})"));
  expect_problem(r, 400, "out of range");
  expect_healthy("1e400");
}

TEST_F(HttpAbuseTest, InvalidUtf8Is400WithAValidJsonAnswer) {
  start();
  RawResponse r =
      raw_exchange(port(), post_events("{\"specversion\": \"1.0\", \"id\": \"\xff\xfe\xc3\"}"));
  expect_problem(r, 400, "UTF-8");
  // Invalid UTF-8 in a path segment is echoed back without breaking the JSON answer.
  RawResponse path = raw_exchange(
      port(), "GET /v1/profiles/d%ff/user/u%c3 HTTP/1.1\r\nHost: t\r\n" + auth() + "\r\n");
  EXPECT_EQ(path.status, 404) << path.body;
  EXPECT_TRUE(core::parse_json(path.body, "the 404 body").is_ok()) << path.body;
  expect_healthy("invalid UTF-8");
}

TEST_F(HttpAbuseTest, SlowlorisClientsDoNotStopOthersBeingAnswered) {
  start();
  // 64 clients each sending one more header byte every second, never finishing.
  Tricklers slow(port(), 64, "GET /v1/profiles HTTP/1.1\r\nHost: t\r\nX-Slow: ", seconds(1));
  std::this_thread::sleep_for(milliseconds(1500));
  for (int i = 0; i < 3; ++i) {
    auto started = Clock::now();
    RawResponse r = raw_exchange(port(), "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", kPrompt);
    EXPECT_EQ(r.status, 200) << "with 64 slow clients connected, after " << ms_since(started)
                             << " ms";
    RawResponse profiles =
        raw_exchange(port(), "GET /v1/profiles HTTP/1.1\r\nHost: t\r\n" + auth() + "\r\n", kPrompt);
    EXPECT_EQ(profiles.status, 200) << "authenticated request with 64 slow clients connected";
  }
  slow.finish();
  expect_healthy("64 slowloris clients");
}

TEST_F(HttpAbuseTest, ConnectionsBeyondTheLimitAreRefusedAndServiceRecovers) {
  start("[http]\nmax_connections = 8\n");
  std::vector<std::unique_ptr<RawConnection>> held;
  const std::string health = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(held.back()->send(health));
    ASSERT_EQ(held.back()->read_response(kPrompt).status, 200) << "connection " << i;
  }
  {
    RawConnection extra(port());
    extra.send(health);
    RawResponse r = extra.read_response(kPrompt);
    EXPECT_TRUE(r.status == 503 || (r.status == 0 && r.closed))
        << "a ninth connection got " << r.status << " " << r.head;
  }
  // Clients already connected go on being served.
  ASSERT_TRUE(held[0]->send(health));
  EXPECT_EQ(held[0]->read_response(kPrompt).status, 200);
  held.clear();
  // Once they leave, new clients are served again (closing is asynchronous: allow a moment).
  int status = 0;
  for (auto started = Clock::now(); status != 200 && Clock::now() - started < kPrompt;) {
    status = raw_exchange(port(), health, kPrompt).status;
    if (status != 200) std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(status, 200);
  expect_healthy("connections beyond the limit");
}

TEST_F(HttpAbuseTest, RequestsNotCompletedWithinTheReadTimeoutAreDropped) {
  start("[http]\nread_timeout_seconds = 2\nidle_timeout_seconds = 3\n");
  const std::string head = post_events_head("Content-Length: 100\r\n\r\n");
  RawConnection stalled(port());
  ASSERT_TRUE(stalled.send(head + std::string(50, ' ')));
  // Trickling a byte every 300 ms would keep a per-read timeout happy forever.
  Tricklers trickling(port(), 1, head + std::string(10, ' '), milliseconds(300));
  RawConnection silent(port());
  auto started = Clock::now();
  EXPECT_TRUE(stalled.wait_closed(seconds(5))) << "half a body, then nothing";
  const long stalled_ms = ms_since(started);
  EXPECT_GE(stalled_ms, 1500) << "dropped before the read timeout";
  EXPECT_TRUE(trickling.connections()[0]->wait_closed(seconds(5))) << "a body trickled in";
  EXPECT_LT(ms_since(started), 5000);
  EXPECT_TRUE(silent.wait_closed(seconds(5))) << "a connection that never sends a byte";
  EXPECT_GE(ms_since(started), 2500) << "the idle timeout is 3 s";
  trickling.finish();
  expect_healthy("stalled and trickling bodies");
}

TEST_F(HttpAbuseTest, SigtermWithSlowClientsConnectedExitsPromptly) {
  start();
  Tricklers slow(port(), 32, "GET /v1/profiles HTTP/1.1\r\nHost: t\r\nX-Slow: ", seconds(1));
  RawConnection half_body(port());
  ASSERT_TRUE(half_body.send(post_events_head("Content-Length: 100\r\n\r\n") + "[ "));
  std::this_thread::sleep_for(milliseconds(1500));
  expect_healthy("slow clients connected");
  auto started = Clock::now();
  auto code = daemon_->stop_within(seconds(5));
  ASSERT_TRUE(code.has_value()) << "the daemon did not exit within 5 s of SIGTERM\n"
                                << daemon_->log();
  EXPECT_EQ(*code, 0) << daemon_->log();
  EXPECT_LT(ms_since(started), 3000);
  EXPECT_TRUE(half_body.wait_closed(seconds(1)));
}

}  // namespace
}  // namespace lifeboat::testing
