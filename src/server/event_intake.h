// EventIntake: what happens to a batch of platform events arriving at the daemon
// (POST /v1/events): the EventBridge rules decide which count, the envelopes are parsed,
// and the registry applies them.
//
// All or nothing at the door: if any element is not a valid event (or the text is not
// JSON), the whole batch is refused and nothing is written, so a sender can fix and resend
// it. Elements no rule matches are acknowledged as "ignored" (and their ids recorded, so a
// resend is a duplicate). Thread safe: the rules are immutable; the registry serialises on
// its store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "ingest/event_pattern.h"
#include "registry/registry.h"
#include "server/server_config.h"

namespace lifeboat::server {

struct IntakeItem {
  std::size_t index = 0;
  std::string id;       //!< the event id, when it could be read
  std::string outcome;  //!< applied, duplicate, stale, ignored
  std::string rule;     //!< the first rule that matched (empty when ignored)
  std::string message;
};

class EventIntake {
 public:
  //! Compiles `rules` (an empty list means ServerConfig::default_rules()); borrows
  //! `registry` and `store`.
  static core::Result<EventIntake> create(const std::vector<EventRule>& rules,
                                          registry::Registry& registry, store::Store& store);

  //! Handles a request body. InvalidArgument (naming the element and field) when the body
  //! is not JSON or an element is refused; nothing is written then.
  core::Result<std::vector<IntakeItem>> submit(std::string_view body);

 private:
  struct CompiledRule {
    std::string name;
    ingest::EventPattern pattern;
  };
  EventIntake(std::vector<CompiledRule> rules, registry::Registry& registry, store::Store& store)
      : rules_(std::move(rules)), registry_(&registry), store_(&store) {}

  std::vector<CompiledRule> rules_;
  registry::Registry* registry_;
  store::Store* store_;
};

//! `items` as the JSON body of a 200 answer: {"results": [...], "applied": n, ...}.
core::Json intake_items_to_json(const std::vector<IntakeItem>& items);

}  // namespace lifeboat::server
