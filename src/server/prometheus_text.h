// PrometheusText: writes the Prometheus text exposition format (version 0.0.4), which
// GET /metrics answers (README, "Monitoring"). One family at a time: family() writes its
// # HELP and # TYPE lines, then sample() / histogram() its samples. Label values are
// escaped as the format says (backslash, double quote, line feed); HELP text escapes
// backslash and line feed. Names are the caller's constants, never input. Not thread safe:
// one writer per answer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/histogram.h"

namespace lifeboat::server {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  //! The Content-Type of the text format.
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

  //! Starts a family: `type` is counter, gauge or histogram.
  void family(std::string_view name, std::string_view help, std::string_view type);
  //! One sample of the current family (`name` is the family's, or a histogram's suffix form).
  void sample(std::string_view name, const MetricLabels& labels, double value);
  //! The _bucket{le} (cumulative, ending with +Inf), _sum and _count samples of a histogram.
  void histogram(std::string_view name, const MetricLabels& labels, const HistogramSnapshot& h);

  const std::string& text() const { return out_; }

 private:
  void labels(const MetricLabels& labels, const std::pair<std::string, std::string>* extra);
  std::string out_;
};

//! A label value as the format writes it between quotes.
std::string escape_label_value(std::string_view value);
//! A sample value: integers without a fraction, +Inf / -Inf / NaN spelled as the format does.
std::string format_sample_value(double value);

}  // namespace lifeboat::server
