#pragma once
// Pusher's HTTP API (signed requests from the app's backend), errors as real HTTP statuses:
//   POST /apps/{app_id}/events, POST /apps/{app_id}/batch_events, GET /apps/{app_id}/channels,
//   GET /apps/{app_id}/channels/{channel_name}, GET /apps/{app_id}/channels/{channel_name}/users,
//   POST /apps/{app_id}/users/{user_id}/terminate_connections
#include <memory>

#include "http/router.hpp"

namespace headroom::pusher {

class Hub;

void register_http_api(http::Router& router, std::shared_ptr<Hub> hub);
// Answers one request through `respond`, once; the channel queries wait for the channel state
// (at once in memory, a round trip in a cluster). Tests call this directly.
void handle_api_request(Hub& hub, http::Request& req, std::string_view route, http::Responder respond);
// The same, for tests and fuzzing over backends that answer at once (the in-memory ones): the
// response, or 500 INTERNAL when none came before returning.
http::Response handle_api_request_now(Hub& hub, http::Request& req, std::string_view route);

}  // namespace headroom::pusher
