// StateMachineValidator: the static checks of an ASL definition (states-language.net),
// recursively through Parallel branches and Map iterators.
//
// Each problem is one line naming the state and the field, e.g.
//   state 'Copy': field 'Next': unknown state 'Cpoy'
//   state 'Fan' branch 1 > state 'A': field 'End' or 'Next' is required
// Stateless apart from the registry pointer; thread safe.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"

namespace lifeboat::workflow {

class TaskResourceRegistry;

class StateMachineValidator {
 public:
  //! With a null `registry`, Task Resources are only checked to be strings.
  explicit StateMachineValidator(const TaskResourceRegistry* registry) : registry_(registry) {}

  std::vector<std::string> validate(const core::Json& definition) const;

 private:
  void check_machine(const core::Json& def, const std::string& prefix,
                     std::vector<std::string>& out) const;
  void check_state(const std::string& name, const core::Json& state, const core::Json& states,
                   const std::string& where, std::vector<std::string>& out) const;

  const TaskResourceRegistry* registry_;
};

}  // namespace lifeboat::workflow
