// Printing results: a readable table on a terminal, JSON otherwise (or as --output says).
#pragma once

#include <string>
#include <vector>

#include "cli/command_registry.h"
#include "core/json.h"

namespace lifeboat::cli {

//! True when output should be JSON: `--output json`, or no --output and stdout is not a tty.
bool want_json(const GlobalOptions& global);

//! Prints rows under headers with columns padded to their widest cell; without the header
//! line when `print_header` is false (a later page of a list, cli/list_pages.h).
void print_table(const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows, bool print_header = true);

//! Pretty-prints `value` as JSON on stdout.
void print_json(const core::Json& value);

//! Prints "lifeboat: <message>" on stderr (the form of every user-facing error).
void print_error(const std::string& message);

}  // namespace lifeboat::cli
