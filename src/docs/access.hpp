#pragma once
// Who is calling and what the collection's rules let them do. Rules come from config
// (config.rules_for(app, collection)): read/write = public | authenticated | owner | server.
// A token with role "server" (the app's backend) passes every rule.
#include <string>

#include "config/config.hpp"
#include "core/status.hpp"
#include "http/message.hpp"

namespace headroom::docs {

struct Caller {
  http::Tier tier = http::Tier::kAnonymous;
  std::string subject;
  bool signed_in() const { return tier != http::Tier::kAnonymous; }
  bool server() const { return tier == http::Tier::kServer; }
};

// No Authorization header: anonymous. A bearer token that fails verification: UNAUTHENTICATED.
Result<Caller> caller_from(const http::Request& req, const config::AppConfig& app, int64_t now_s);

struct RuleDecision {
  Status status;            // not ok: refuse (401 when not signed in, 403 otherwise)
  bool owner_only = false;  // allowed only for documents whose _owner is the caller
};
// `action` ("reading from", "writing to") and `collection` name the refused operation in the error.
RuleDecision check_rule(std::string_view rule, const Caller& caller, std::string_view action,
                        std::string_view collection = {});

// May this caller read a document owned by `owner` under `rule`? (change feeds filter with this)
bool may_read(std::string_view rule, const Caller& caller, std::string_view owner);

}  // namespace headroom::docs
