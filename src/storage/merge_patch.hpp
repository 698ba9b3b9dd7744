#pragma once
// JSON Merge Patch (RFC 7386): objects merge recursively, null removes a member, anything else
// replaces the target.
#include <boost/json/value.hpp>

namespace headroom::storage {

void apply_merge_patch(boost::json::value& target, const boost::json::value& patch);

}  // namespace headroom::storage
