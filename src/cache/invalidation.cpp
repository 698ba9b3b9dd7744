#include "cache/invalidation.hpp"

namespace headroom::cache {

class InProcessInvalidationBus::Endpoint final : public Invalidation {
 public:
  explicit Endpoint(std::shared_ptr<InProcessInvalidationBus> bus) : bus_(std::move(bus)) {}
  void publish(const InvalidationMessage& m) override { bus_->deliver(this, m); }
  void subscribe(Handler h) override {
    std::lock_guard lock(mu_);
    handlers_.push_back(std::move(h));
  }
  void receive(const InvalidationMessage& m) {
    std::vector<Handler> hs;
    {
      std::lock_guard lock(mu_);
      hs = handlers_;
    }
    for (auto& h : hs) h(m);
  }

 private:
  std::shared_ptr<InProcessInvalidationBus> bus_;
  std::mutex mu_;
  std::vector<Handler> handlers_;
};

std::shared_ptr<Invalidation> InProcessInvalidationBus::endpoint() {
  auto e = std::make_shared<Endpoint>(shared_from_this());
  std::lock_guard lock(mu_);
  endpoints_.push_back(e);
  return e;
}

void InProcessInvalidationBus::deliver(const Endpoint* from, const InvalidationMessage& m) {
  std::vector<std::shared_ptr<Endpoint>> targets;
  {
    std::lock_guard lock(mu_);
    for (auto& w : endpoints_) {
      if (auto e = w.lock(); e && e.get() != from) targets.push_back(std::move(e));
    }
  }
  for (auto& e : targets) e->receive(m);
}

}  // namespace headroom::cache
