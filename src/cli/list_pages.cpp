#include "cli/list_pages.h"

#include <memory>

namespace lifeboat::cli {

void add_list_option(CLI::App& cmd, ListOptions& opts, const std::string& option,
                     const std::string& param, const std::string& help) {
  cmd.add_option_function<std::string>(
      "--" + option, [&opts, param](const std::string& value) { opts.params[param] = value; },
      help);
}

void add_page_options(CLI::App& cmd, ListOptions& opts) {
  add_list_option(cmd, opts, "limit", "limit",
                  "print one page of at most N (1-1000) and the next cursor on stderr");
  add_list_option(cmd, opts, "cursor", "cursor", "continue from the cursor a --limit run printed");
}

core::Result<store::PageRequest> first_page_request(const ListOptions& opts, bool& walk_all) {
  LIFEBOAT_ASSIGN_OR_RETURN(store::PageRequest page, server::page_from_params(opts.params));
  auto limit = opts.params.find("limit");
  walk_all = limit == opts.params.end() || limit->second.empty();
  if (walk_all) page.limit = store::kMaxPageLimit;
  return page;
}

ListWriter::ListWriter(const GlobalOptions& global, std::vector<std::string> headers)
    : json_(want_json(global)), headers_(std::move(headers)) {}

void ListWriter::table_rows(const std::vector<std::vector<std::string>>& rows) {
  print_table(headers_, rows, written_ == 0);
  written_ += rows.size() + 1;
}

void ListWriter::json_item(const core::Json& item) {
  // The array's elements as print_json would indent them, one at a time.
  std::string text = item.dump(2, ' ', false, core::Json::error_handler_t::replace);
  std::string indented = "  ";
  for (char c : text) {
    indented += c;
    if (c == '\n') indented += "  ";
  }
  std::fputs(written_ == 0 ? "[\n" : ",\n", stdout);
  std::fputs(indented.c_str(), stdout);
  ++written_;
}

void ListWriter::finish() {
  if (json_) std::fputs(written_ == 0 ? "[]\n" : "\n]\n", stdout);
  if (!json_ && written_ == 0) print_table(headers_, {});
  std::fflush(stdout);
  written_ = 1;
  json_ = false;  // finished: a second finish() prints nothing more
}

}  // namespace lifeboat::cli
