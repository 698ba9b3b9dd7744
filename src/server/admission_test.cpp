#include "server/admission.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace headroom::server {
namespace {

constexpr int kAnon = 0, kAuth = 1, kVip = 2;

struct Waiter {
  uint64_t ticket = 0;
  int woken = -1;  // -1 not yet, 0 shed, 1 admitted
  Admission::Wake wake() {
    return [this](bool ok) { woken = ok ? 1 : 0; };
  }
};

TEST(Admission, AdmitsUpToTheLimitThenQueuesThenRejects) {
  Admission a(2, 1);
  Waiter w1, w2, w3, w4;
  EXPECT_EQ(a.enter(kAnon, &w1.ticket, w1.wake()), Admission::Outcome::kAdmitted);
  EXPECT_EQ(a.enter(kAnon, &w2.ticket, w2.wake()), Admission::Outcome::kAdmitted);
  EXPECT_EQ(a.enter(kAnon, &w3.ticket, w3.wake()), Admission::Outcome::kQueued);
  EXPECT_EQ(a.enter(kAnon, &w4.ticket, w4.wake()), Admission::Outcome::kRejected);
  EXPECT_EQ(a.in_flight(), 2);
  a.leave();
  EXPECT_EQ(w3.woken, 1);
  EXPECT_EQ(a.in_flight(), 2);
  a.leave();
  a.leave();
  EXPECT_EQ(a.in_flight(), 0);
}

TEST(Admission, HigherTiersAreServedFirstAndFifoWithinATier) {
  Admission a(1, 10);
  Waiter first, anon1, anon2, vip, auth;
  ASSERT_EQ(a.enter(kAnon, &first.ticket, first.wake()), Admission::Outcome::kAdmitted);
  a.enter(kAnon, &anon1.ticket, anon1.wake());
  a.enter(kAnon, &anon2.ticket, anon2.wake());
  a.enter(kVip, &vip.ticket, vip.wake());
  a.enter(kAuth, &auth.ticket, auth.wake());
  a.leave();
  EXPECT_EQ(vip.woken, 1);
  a.leave();
  EXPECT_EQ(auth.woken, 1);
  a.leave();
  EXPECT_EQ(anon1.woken, 1);
  EXPECT_EQ(anon2.woken, -1);
}

TEST(Admission, AFullQueueShedsAnonymousToMakeRoomForVip) {
  Admission a(1, 2);
  Waiter busy, anon1, anon2, vip, anon3;
  a.enter(kAnon, &busy.ticket, busy.wake());
  a.enter(kAnon, &anon1.ticket, anon1.wake());
  a.enter(kAnon, &anon2.ticket, anon2.wake());
  EXPECT_EQ(a.enter(kVip, &vip.ticket, vip.wake()), Admission::Outcome::kQueued);
  EXPECT_EQ(anon2.woken, 0);  // the newest anonymous waiter was shed
  EXPECT_EQ(a.enter(kAnon, &anon3.ticket, anon3.wake()), Admission::Outcome::kRejected);
  a.leave();
  EXPECT_EQ(vip.woken, 1);
}

TEST(Admission, CancelledWaitersNeverWake) {
  Admission a(1, 2);
  Waiter busy, w;
  a.enter(kAnon, &busy.ticket, busy.wake());
  a.enter(kAnon, &w.ticket, w.wake());
  EXPECT_TRUE(a.cancel(w.ticket));
  EXPECT_FALSE(a.cancel(w.ticket));
  a.leave();
  EXPECT_EQ(w.woken, -1);
  EXPECT_EQ(a.in_flight(), 0);
}

}  // namespace
}  // namespace headroom::server
