#pragma once
// Error values for the data path. Codes are the /v1 API's (DESIGN.md §2); every layer that can
// fail on client input returns a Status or Result<T> instead of throwing.
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace headroom {

enum class Code {
  kOk,
  kInvalidArgument,     // 400
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kFailedPrecondition,  // 412 (400 for queries)
  kPayloadTooLarge,     // 413
  kResourceExhausted,   // 429
  kUnavailable,         // 503
  kInternal,            // 500
  kDeadlineExceeded,    // 504
};

std::string_view code_name(Code code);  // "INVALID_ARGUMENT"
int http_status(Code code);             // 400

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message, std::string details_json = {})
      : code_(code), message_(std::move(message)), details_json_(std::move(details_json)) {}
  static Status ok() { return {}; }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // A JSON object's text with machine-readable context ("{}" when empty).
  const std::string& details_json() const { return details_json_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string details_json_;
};

inline Status invalid_argument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
inline Status not_found(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
inline Status internal_error(std::string msg) { return {Code::kInternal, std::move(msg)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<1>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace headroom
