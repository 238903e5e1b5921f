#include "support/process.h"

namespace lifeboat::testing {

std::string lifeboat_bin() { return LIFEBOAT_BIN; }

ProcessResult run_lifeboat(const std::vector<std::string>& args, const std::string& input,
                           const std::vector<std::string>& env) {
  std::vector<std::string> argv{lifeboat_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, input, env);
}

std::string lifeboat_testbin() { return LIFEBOAT_TESTBIN; }

ProcessResult run_lifeboat_testbin(const std::vector<std::string>& args, const std::string& input,
                                   const std::vector<std::string>& env) {
  std::vector<std::string> argv{lifeboat_testbin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, input, env);
}

}  // namespace lifeboat::testing
