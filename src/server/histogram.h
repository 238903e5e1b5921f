// Histogram: a Prometheus-style histogram with fixed upper bounds (docs/architecture.md,
// "Monitoring"): observe() adds a value to every bucket whose bound is >= it, the sum and
// the count. Thread safe; observe() takes a short lock and never allocates.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace lifeboat::server {

//! What a histogram held at one moment.
struct HistogramSnapshot {
  std::vector<double> bounds;             //!< upper bounds, increasing (+Inf implied)
  std::vector<std::uint64_t> cumulative;  //!< observations <= each bound
  std::uint64_t count = 0;                //!< every observation (the +Inf bucket)
  double sum = 0;
};

class Histogram {
 public:
  //! `bounds` increasing; +Inf is always added as the last bucket.
  explicit Histogram(std::vector<double> bounds);

  void observe(double value);
  HistogramSnapshot snapshot() const;

  //! Bounds for durations in seconds: 1 ms .. 10 s (requests, store operations).
  static std::vector<double> latency_bounds();
  //! Bounds for recoveries in seconds: 1 s .. 1 day.
  static std::vector<double> recovery_bounds();

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

}  // namespace lifeboat::server
