// How every `lifeboat … list` prints a paged store list (README "Lists and pagination"):
// the same filters, --limit and --cursor as the HTTP API's parameters (parsed by
// server/list_params.h, so both refuse the same values with the same message).
//
// Without --limit the command walks every page itself, printing each as it arrives, so
// its memory stays flat however long the list: JSON output is one array written element
// by element; a table gets its header once and is aligned page by page. With --limit it
// prints that one page and, when there is more, "next cursor: C" on stderr, so a script
// continues with --cursor C (stdout keeps its format).
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "server/list_params.h"
#include "store/page.h"

namespace lifeboat::cli {

//! The options of one list command, as parameters (name -> value; empty = not given).
struct ListOptions {
  server::ListParams params;
};

//! Adds `--NAME VALUE` for parameter `param` to `cmd` (`option` is the flag's name).
void add_list_option(CLI::App& cmd, ListOptions& opts, const std::string& option,
                     const std::string& param, const std::string& help);

//! Adds --limit and --cursor.
void add_page_options(CLI::App& cmd, ListOptions& opts);

//! The page requests to make: the one asked for with --limit, else pages of
//! store::kMaxPageLimit from --cursor (or the start) to the end.
core::Result<store::PageRequest> first_page_request(const ListOptions& opts, bool& walk_all);

//! How one list prints: table headers and row, JSON element.
template <typename T>
struct ListFormat {
  std::vector<std::string> headers;
  std::function<std::vector<std::string>(const T&)> row;
  std::function<core::Json(const T&)> json;
};

//! Prints `item`s as they come in the chosen output; finish() closes the output.
class ListWriter {
 public:
  ListWriter(const GlobalOptions& global, std::vector<std::string> headers);
  void table_rows(const std::vector<std::vector<std::string>>& rows);
  void json_item(const core::Json& item);
  void finish();
  bool json() const { return json_; }

 private:
  bool json_;
  std::vector<std::string> headers_;
  std::size_t written_ = 0;
};

//! Fetches and prints every page (or the one --limit asks for); returns the exit code.
//! `on_first_page(page)` may refuse an empty first page (e.g. exit 3 for unknown history):
//! a non-zero return ends the command with that code before anything is printed.
template <typename T>
int print_pages(const GlobalOptions& global, const ListOptions& opts, const ListFormat<T>& format,
                const std::function<core::Result<store::Page<T>>(const store::PageRequest&)>& fetch,
                const std::function<int(const store::Page<T>&)>& on_first_page = {}) {
  bool walk_all = false;
  auto request = first_page_request(opts, walk_all);
  if (!request.is_ok()) return report_failure(request.status());
  ListWriter out(global, format.headers);
  for (bool first = true;; first = false) {
    auto page = fetch(*request);
    if (!page.is_ok()) {
      out.finish();
      return report_failure(page.status());
    }
    if (first && on_first_page) {
      if (int rc = on_first_page(*page); rc != 0) return rc;
    }
    if (out.json()) {
      for (const T& item : page->items) out.json_item(format.json(item));
    } else {
      std::vector<std::vector<std::string>> rows;
      rows.reserve(page->items.size());
      for (const T& item : page->items) rows.push_back(format.row(item));
      out.table_rows(rows);
    }
    if (page->next_cursor.empty()) break;
    if (!walk_all) {
      out.finish();
      std::fprintf(stderr, "next cursor: %s\n", page->next_cursor.c_str());
      return 0;
    }
    request->cursor = page->next_cursor;
  }
  out.finish();
  return 0;
}

}  // namespace lifeboat::cli
