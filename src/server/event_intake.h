// EventIntake: what happens to a batch of platform events arriving at the daemon
// (POST /v1/events): the EventBridge rules decide which count, the envelopes are parsed,
// and the registry applies them.
//
// All or nothing at the door: if any element is not a valid event (or the text is not
// JSON), the whole batch is refused and nothing is written, so a sender can fix and resend
// it. Elements no rule matches are acknowledged as "ignored" (and their ids recorded, so a
// resend is a duplicate). With a platform that can be asked (SageMaker), a create event
// that lacks its home is "held" (sync/event_enricher.h): the enricher completes and
// applies it once the platform can say. Event ids with Lifeboat's own prefixes ("seed:",
// "reconcile:") are refused. Thread safe: the rules are immutable; the registry and the
// enricher serialise on the store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "ingest/event_pattern.h"
#include "registry/registry.h"
#include "server/server_config.h"
#include "sync/event_enricher.h"

namespace lifeboat::server {

struct IntakeItem {
  std::size_t index = 0;
  std::string id;       //!< the event id, when it could be read
  std::string outcome;  //!< applied, duplicate, stale, ignored, held
  std::string rule;     //!< the first rule that matched (empty when ignored)
  std::string message;
};

class EventIntake {
 public:
  //! Compiles `rules` (an empty list means ServerConfig::default_rules()); borrows
  //! `registry`, `store` and `enricher` (null: nothing is ever held).
  static core::Result<EventIntake> create(const std::vector<EventRule>& rules,
                                          registry::Registry& registry, store::Store& store,
                                          sync::EventEnricher* enricher = nullptr);

  //! Handles a request body. InvalidArgument (naming the element and field) when the body
  //! is not JSON or an element is refused; nothing is written then.
  core::Result<std::vector<IntakeItem>> submit(std::string_view body);

 private:
  struct CompiledRule {
    std::string name;
    ingest::EventPattern pattern;
  };
  EventIntake(std::vector<CompiledRule> rules, registry::Registry& registry, store::Store& store,
              sync::EventEnricher* enricher)
      : rules_(std::move(rules)), registry_(&registry), store_(&store), enricher_(enricher) {}

  // Holds `event` for the enricher; fills `item` (held, or duplicate when it was applied
  // or held before).
  core::Status hold(const core::ProfileEvent& event, IntakeItem& item);

  std::vector<CompiledRule> rules_;
  registry::Registry* registry_;
  store::Store* store_;
  sync::EventEnricher* enricher_;
};

//! `items` as the JSON body of a 200 answer: {"results": [...], "applied": n, ...}.
core::Json intake_items_to_json(const std::vector<IntakeItem>& items);

}  // namespace lifeboat::server
