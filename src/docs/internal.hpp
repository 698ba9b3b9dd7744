#pragma once
// Shared by the route files of the document API.
#include <string>

#include "docs/documents.hpp"

namespace headroom::docs {

struct Documents::Target {
  const config::AppConfig* app = nullptr;
  std::string col;
  Caller caller;
  RuleDecision rule;
};

enum OpMetric { kOpGet, kOpPut, kOpPatch, kOpDelete, kOpQuery, kOpBatch, kOpIndex, kOpCount };

// The document with ETag = "<version>".
http::Response doc_response(int status, const storage::Document& doc);
// A document's bytes in the cache: "<version>\n<document JSON>" (ETag and body of a GET).
cache::Value cached_doc(const storage::Document& doc);
// If-Match / If-None-Match (RFC 9110 §13.1, docs/etag.hpp) → a precondition the store checks in
// the write's transaction; INVALID_ARGUMENT only for a malformed header.
Result<storage::Precondition> precondition_from(const http::Request& req);
// Query errors: FAILED_PRECONDITION answers 400, not 412 (DESIGN.md §2).
http::Response query_error(const Status& s);
std::string new_document_id();

}  // namespace headroom::docs
