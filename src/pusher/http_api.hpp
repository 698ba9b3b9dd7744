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
// The response to one request (tests call this directly).
http::Response handle_api_request(Hub& hub, http::Request& req, std::string_view route);

}  // namespace headroom::pusher
