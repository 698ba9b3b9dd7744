#pragma once
// Admission control: at most `max_in_flight` requests run at once (the seed's Cloud Run
// concurrency, 80); up to `max_queue` more wait for a slot, highest tier first, FIFO within a tier.
// When the queue is full, a newcomer of a higher tier displaces the newest waiter of the lowest
// tier, so under overload anonymous work is shed first and VIP work last. No I/O and no clock:
// timeouts are the caller's (it calls cancel()).
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace headroom::server {

class Admission {
 public:
  // Called exactly once for a queued request: true when it got a slot, false when it was shed.
  // Runs on the thread that freed the slot or displaced the waiter; post back to your own loop.
  using Wake = std::function<void(bool admitted)>;
  enum class Outcome { kAdmitted, kQueued, kRejected };

  Admission(int max_in_flight, int max_queue) : max_in_flight_(max_in_flight), max_queue_(max_queue) {}

  // priority: higher is served first (http::Tier values). On kQueued, *ticket identifies the waiter.
  Outcome enter(int priority, uint64_t* ticket, Wake wake);
  // Releases a slot taken by enter() (or by a true wake).
  void leave();
  // Withdraws a waiter (its deadline passed). False if it was already woken.
  bool cancel(uint64_t ticket);

  int in_flight() const;
  int queued() const;

 private:
  struct Key {
    int priority;
    uint64_t seq;
    bool operator<(const Key& o) const {  // best first: highest priority, then oldest
      return priority != o.priority ? priority > o.priority : seq < o.seq;
    }
  };
  mutable std::mutex mu_;
  const int max_in_flight_;
  const int max_queue_;
  int in_flight_ = 0;
  uint64_t seq_ = 0;
  std::map<Key, Wake> waiting_;
  std::map<uint64_t, Key> by_ticket_;
};

}  // namespace headroom::server
