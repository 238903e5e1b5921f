#include "workflow/asl_error.h"

namespace lifeboat::workflow {

core::Status asl_error(const std::string& name, const std::string& cause) {
  // kFailedPrecondition: the work ran and refused to go on; the exit-code mapping of the
  // CLI treats a failed execution separately anyway.
  return {core::StatusCode::kFailedPrecondition, "[" + name + "] " + cause};
}

AslError to_asl_error(const core::Status& status) {
  const std::string& msg = status.message();
  if (msg.size() > 2 && msg[0] == '[') {
    auto close = msg.find("] ");
    if (close != std::string::npos && close > 1 && msg.find_first_of(" [", 1) > close) {
      return {msg.substr(1, close - 1), msg.substr(close + 2)};
    }
  }
  return {"Lifeboat." + std::string(core::status_code_name(status.code())), msg};
}

}  // namespace lifeboat::workflow
