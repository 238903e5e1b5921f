#include "server/prometheus_text.h"

#include <cmath>

#include <fmt/format.h>

namespace lifeboat::server {

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Integers (counts, bytes) are written whole up to 2^53, where doubles stop being exact.
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    return fmt::format("{}", static_cast<std::int64_t>(value));
  }
  return fmt::format("{}", value);  // shortest text that reads back as the same double
}

void PrometheusText::family(std::string_view name, std::string_view help, std::string_view type) {
  std::string escaped;
  for (char c : help) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escaped, name, type);
}

void PrometheusText::labels(const MetricLabels& labels,
                            const std::pair<std::string, std::string>* extra) {
  if (labels.empty() && extra == nullptr) return;
  out_ += '{';
  bool first = true;
  auto one = [&](const std::pair<std::string, std::string>& l) {
    if (!first) out_ += ',';
    first = false;
    out_ += l.first;
    out_ += "=\"";
    out_ += escape_label_value(l.second);
    out_ += '"';
  };
  for (const auto& l : labels) one(l);
  if (extra != nullptr) one(*extra);
  out_ += '}';
}

void PrometheusText::sample(std::string_view name, const MetricLabels& l, double value) {
  out_ += name;
  labels(l, nullptr);
  out_ += ' ';
  out_ += format_sample_value(value);
  out_ += '\n';
}

void PrometheusText::histogram(std::string_view name, const MetricLabels& l,
                               const HistogramSnapshot& h) {
  const std::string bucket = fmt::format("{}_bucket", name);
  for (std::size_t i = 0; i < h.bounds.size(); ++i) {
    const std::pair<std::string, std::string> le{"le", format_sample_value(h.bounds[i])};
    out_ += bucket;
    labels(l, &le);
    out_ += fmt::format(" {}\n", h.cumulative[i]);
  }
  const std::pair<std::string, std::string> inf{"le", "+Inf"};
  out_ += bucket;
  labels(l, &inf);
  out_ += fmt::format(" {}\n", h.count);
  sample(fmt::format("{}_sum", name), l, h.sum);
  sample(fmt::format("{}_count", name), l, static_cast<double>(h.count));
}

}  // namespace lifeboat::server
