#pragma once
// JSON Merge Patch (RFC 7386): objects merge recursively, null removes a member, anything else
// replaces the target. Recursion follows the patch, whose depth the caller has bounded (client
// input is validated to kMaxJsonDepth levels), never the target.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace headroom::storage {

void apply_merge_patch(boost::json::value& target, const boost::json::value& patch);
// The document form: an object patch applied to an object.
void apply_merge_patch(boost::json::object& target, const boost::json::object& patch);

}  // namespace headroom::storage
