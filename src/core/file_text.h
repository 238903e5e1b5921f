// Reading a whole (small) file named by a user: a config, a workflow definition, an event
// file, a pattern given as @FILE.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace lifeboat::core {

//! The bytes of `path`. A file that cannot be opened or read is bad input:
//! InvalidArgument "cannot read <what> '<path>': <reason>; check the path".
Result<std::string> read_file_text(const std::string& path, std::string_view what);

}  // namespace lifeboat::core
