#include "cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace lifeboat::cli {

bool want_json(const GlobalOptions& global) {
  if (global.output == "json") return true;
  if (global.output == "table") return false;
  return isatty(STDOUT_FILENO) == 0;
}

void print_table(const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows, bool print_header) {
  std::vector<size_t> widths(headers.size());
  for (size_t i = 0; i < headers.size(); ++i) widths[i] = headers[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string& cell = i < row.size() ? row[i] : std::string();
      if (i + 1 == widths.size()) {
        line += cell;
      } else {
        line += fmt::format("{:<{}}  ", cell, widths[i]);
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::fputs((line + "\n").c_str(), stdout);
  };
  if (print_header) print_row(headers);
  for (const auto& row : rows) print_row(row);
}

void print_json(const core::Json& value) {
  std::string text = value.dump(2, ' ', false, core::Json::error_handler_t::replace);
  std::fputs((text + "\n").c_str(), stdout);
}

void print_error(const std::string& message) {
  std::fputs(("lifeboat: " + message + "\n").c_str(), stderr);
}

}  // namespace lifeboat::cli
