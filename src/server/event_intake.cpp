#include "server/event_intake.h"

#include <fmt/format.h>

#include "ingest/event_envelope.h"

namespace lifeboat::server {

core::Result<EventIntake> EventIntake::create(const std::vector<EventRule>& rules,
                                              registry::Registry& registry, store::Store& store,
                                              sync::EventEnricher* enricher) {
  const std::vector<EventRule>& source = rules.empty() ? ServerConfig::default_rules() : rules;
  std::vector<CompiledRule> compiled;
  for (const auto& rule : source) {
    auto pattern = ingest::EventPattern::compile(rule.pattern);
    if (!pattern.is_ok()) return pattern.status().with_context(fmt::format("rule '{}'", rule.name));
    compiled.push_back({rule.name, std::move(pattern).value()});
  }
  return EventIntake(std::move(compiled), registry, store, enricher);
}

core::Result<std::vector<IntakeItem>> EventIntake::submit(std::string_view body) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto parsed, ingest::parse_envelopes(body, "the request body"));
  std::vector<IntakeItem> items(parsed.size());
  // First pass: decide and check everything, so a refusal writes nothing.
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const auto& p = parsed[i];
    IntakeItem& item = items[i];
    item.index = p.index;
    item.id = p.id;
    for (const auto& rule : rules_) {
      if (rule.pattern.matches(p.raw)) {
        item.rule = rule.name;
        break;
      }
    }
    if (item.rule.empty()) {
      item.outcome = "ignored";
      item.message = "no event rule matches this event";
      continue;
    }
    core::Status valid = p.event ? core::check_external_event_id(p.event->id) : p.status;
    if (valid.is_ok()) valid = registry_->check(*p.event);
    if (!valid.is_ok()) {
      return valid.with_context(parsed.size() > 1
                                    ? fmt::format("event[{}] (rule '{}')", p.index, item.rule)
                                    : fmt::format("event (rule '{}')", item.rule));
    }
  }
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    IntakeItem& item = items[i];
    if (item.outcome == "ignored") {
      if (item.id.empty()) continue;
      // Recording the id makes a resend of an ignored event a duplicate too; a second
      // record of the same id is not an error.
      core::Status st = store_->transact([&](store::StoreTransaction& txn) -> core::Status {
        LIFEBOAT_ASSIGN_OR_RETURN(bool seen, txn.is_event_processed(item.id));
        if (seen) return core::Status::ok();
        return txn.record_processed_event(item.id, "ignored");
      });
      if (!st.is_ok()) return st;
      continue;
    }
    if (enricher_ != nullptr && enricher_->needs(*parsed[i].event)) {
      LIFEBOAT_RETURN_IF_ERROR(hold(*parsed[i].event, item));
      continue;
    }
    LIFEBOAT_ASSIGN_OR_RETURN(auto applied, registry_->apply(*parsed[i].event));
    item.outcome = std::string(registry::apply_outcome_name(applied.outcome));
    item.message = applied.message;
    if (applied.outcome == registry::ApplyOutcome::kRefused) {
      // Validation passed at the door, so this is a rule of the registry (e.g. a profile
      // in an unknown domain). Earlier elements stay applied: report which.
      return core::Status::invalid_argument(
          fmt::format("event[{}] '{}' refused: {} (events before it were applied)", item.index,
                      item.id, applied.message));
    }
  }
  return items;
}

core::Status EventIntake::hold(const core::ProfileEvent& event, IntakeItem& item) {
  bool seen = false;
  LIFEBOAT_RETURN_IF_ERROR(store_->read([&](store::StoreTransaction& txn) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(seen, txn.is_event_processed(event.id));
    return core::Status::ok();
  }));
  bool held = false;
  if (!seen) {
    LIFEBOAT_ASSIGN_OR_RETURN(held, enricher_->hold(event, item.rule));
  }
  item.outcome = held ? "held" : "duplicate";
  item.message = held ? "held until the platform says where its home is"
                      : fmt::format("event '{}' was received before", event.id);
  return core::Status::ok();
}

core::Json intake_items_to_json(const std::vector<IntakeItem>& items) {
  core::Json results = core::Json::array();
  std::map<std::string, int> counts;
  for (const auto& item : items) {
    results.push_back({{"index", item.index},
                       {"id", item.id},
                       {"outcome", item.outcome},
                       {"rule", item.rule},
                       {"message", item.message}});
    ++counts[item.outcome];
  }
  core::Json out{{"results", results}};
  for (const auto& [outcome, n] : counts) out[outcome] = n;
  return out;
}

}  // namespace lifeboat::server
