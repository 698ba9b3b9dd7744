#pragma once
// Carries cache invalidations to other instances. The writer applies an invalidation locally
// first (so its own acknowledgement is safe), then publishes it; peers apply what they receive.
// In-process now (LocalInvalidation: no peers); a Redis pub/sub implementation joins in the
// cluster. InProcessInvalidationBus connects several caches in one process, for tests.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace headroom::cache {

struct InvalidationMessage {
  enum class Kind { kKey, kTag };
  Kind kind = Kind::kKey;
  std::string name;
  bool operator==(const InvalidationMessage&) const = default;
};

class Invalidation {
 public:
  using Handler = std::function<void(const InvalidationMessage&)>;
  virtual ~Invalidation() = default;
  // To every other instance; never delivered back to this one.
  virtual void publish(const InvalidationMessage& message) = 0;
  // Messages published by other instances.
  virtual void subscribe(Handler handler) = 0;
};

class LocalInvalidation final : public Invalidation {
 public:
  void publish(const InvalidationMessage&) override {}
  void subscribe(Handler) override {}
};

class InProcessInvalidationBus : public std::enable_shared_from_this<InProcessInvalidationBus> {
 public:
  std::shared_ptr<Invalidation> endpoint();

 private:
  class Endpoint;
  void deliver(const Endpoint* from, const InvalidationMessage& m);
  std::mutex mu_;
  std::vector<std::weak_ptr<Endpoint>> endpoints_;
};

}  // namespace headroom::cache
