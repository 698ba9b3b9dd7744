#include "server/admission.hpp"

namespace headroom::server {

Admission::Outcome Admission::enter(int priority, uint64_t* ticket, Wake wake) {
  Wake shed;
  {
    std::lock_guard lock(mu_);
    if (in_flight_ < max_in_flight_ && waiting_.empty()) {
      ++in_flight_;
      return Outcome::kAdmitted;
    }
    if (static_cast<int>(waiting_.size()) >= max_queue_) {
      if (waiting_.empty()) return Outcome::kRejected;
      auto worst = std::prev(waiting_.end());  // lowest priority, newest
      if (worst->first.priority >= priority) return Outcome::kRejected;
      shed = std::move(worst->second);
      by_ticket_.erase(worst->first.seq);
      waiting_.erase(worst);
    }
    Key key{priority, ++seq_};
    *ticket = key.seq;
    waiting_.emplace(key, std::move(wake));
    by_ticket_.emplace(key.seq, key);
  }
  if (shed) shed(false);
  return Outcome::kQueued;
}

void Admission::leave() {
  Wake next;
  {
    std::lock_guard lock(mu_);
    if (waiting_.empty()) {
      --in_flight_;
      return;
    }
    // The slot passes straight to the best waiter; in_flight_ stays the same.
    auto best = waiting_.begin();
    next = std::move(best->second);
    by_ticket_.erase(best->first.seq);
    waiting_.erase(best);
  }
  next(true);
}

bool Admission::cancel(uint64_t ticket) {
  std::lock_guard lock(mu_);
  auto it = by_ticket_.find(ticket);
  if (it == by_ticket_.end()) return false;
  waiting_.erase(it->second);
  by_ticket_.erase(it);
  return true;
}

int Admission::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

int Admission::queued() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(waiting_.size());
}

}  // namespace headroom::server
