// CancelToken: callbacks run once; registrations unhook when they go (a
// long-lived token keeps no dead closures); child tokens follow the parent.
#include "common/cancel-token.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace mv {
namespace {

using namespace std::chrono_literals;

TEST(CancelToken, RunsEachCallbackOnceAndCopiesShareState) {
  CancelToken token;
  CancelToken copy = token;
  int a = 0, b = 0;
  auto ra = token.OnCancel([&] { ++a; });
  auto rb = copy.OnCancel([&] { ++b; });
  EXPECT_EQ(token.registrations(), 2u);
  EXPECT_FALSE(copy.IsCancelled());
  copy.Cancel();
  token.Cancel();  // second Cancel() runs nothing
  EXPECT_TRUE(token.IsCancelled());
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
  EXPECT_EQ(token.registrations(), 0u);
}

TEST(CancelToken, RegisteringOnACancelledTokenRunsAtOnce) {
  CancelToken token;
  token.Cancel();
  bool ran = false;
  auto r = token.OnCancel([&] { ran = true; });
  EXPECT_TRUE(ran);
  EXPECT_EQ(token.registrations(), 0u);
}

TEST(CancelToken, DestroyedRegistrationNeverRuns) {
  CancelToken token;
  bool ran = false;
  {
    auto r = token.OnCancel([&] { ran = true; });
    EXPECT_EQ(token.registrations(), 1u);
  }
  EXPECT_EQ(token.registrations(), 0u);
  token.Cancel();
  EXPECT_FALSE(ran);
}

TEST(CancelToken, MovedRegistrationStaysRegistered) {
  CancelToken token;
  int ran = 0;
  CancelRegistration outer;
  {
    auto r = token.OnCancel([&] { ++ran; });
    outer = std::move(r);
  }
  EXPECT_EQ(token.registrations(), 1u);
  token.Cancel();
  EXPECT_EQ(ran, 1);
}

TEST(CancelToken, ResetReleasesTheClosure) {
  CancelToken token;
  auto owned = std::make_shared<int>(7);
  std::weak_ptr<int> weak = owned;
  auto r = token.OnCancel([owned] {});
  owned.reset();
  EXPECT_FALSE(weak.expired());  // the token holds it
  r.Reset();
  EXPECT_TRUE(weak.expired());
}

// What a realtime session does: one session-long token, one short-lived
// registration (ASR call, HTTP request) per turn. Memory stays flat.
TEST(CancelToken, TenThousandShortRegistrationsLeaveNothingBehind) {
  CancelToken session;
  for (int turn = 0; turn < 10000; ++turn) {
    auto r = session.OnCancel([turn] { (void)turn; });
    CancelToken per_turn = session.Child();
    auto inner = per_turn.OnCancel([] {});
    ASSERT_LE(session.registrations(), 2u);
  }
  EXPECT_EQ(session.registrations(), 0u);
}

TEST(CancelToken, ChildFollowsParentButNotTheOtherWay) {
  CancelToken parent;
  CancelToken child = parent.Child();
  CancelToken grandchild = child.Child();
  CancelToken sibling = parent.Child();
  sibling.Cancel();
  EXPECT_FALSE(parent.IsCancelled());
  EXPECT_FALSE(child.IsCancelled());
  bool ran = false;
  auto r = grandchild.OnCancel([&] { ran = true; });
  parent.Cancel();
  EXPECT_TRUE(child.IsCancelled());
  EXPECT_TRUE(grandchild.IsCancelled());
  EXPECT_TRUE(ran);
}

TEST(CancelToken, ChildOfCancelledParentStartsCancelled) {
  CancelToken parent;
  parent.Cancel();
  EXPECT_TRUE(parent.Child().IsCancelled());
}

TEST(CancelToken, ChildUnhooksFromParentWhenItsLastCopyGoes) {
  CancelToken parent;
  {
    CancelToken child = parent.Child();
    CancelToken copy = child;
    EXPECT_EQ(parent.registrations(), 1u);
  }
  EXPECT_EQ(parent.registrations(), 0u);
}

TEST(CancelToken, CallbackMayDropItsOwnRegistration) {
  CancelToken token;
  auto reg = std::make_unique<CancelRegistration>();
  bool ran = false;
  *reg = token.OnCancel([&] {
    ran = true;
    reg.reset();  // on the cancelling thread: must not wait for itself
  });
  token.Cancel();
  EXPECT_TRUE(ran);
  EXPECT_EQ(reg, nullptr);
}

// Like std::stop_callback: a registration reset while its callback runs on
// another thread waits for it, so what the callback touches may go next.
TEST(CancelToken, ResetWaitsForACallbackRunningElsewhere) {
  CancelToken token;
  std::atomic<bool> entered{false}, release{false}, finished{false};
  auto r = token.OnCancel([&] {
    entered = true;
    while (!release) std::this_thread::sleep_for(1ms);
    finished = true;
  });
  std::thread canceller([&] { token.Cancel(); });
  while (!entered) std::this_thread::sleep_for(1ms);
  std::thread releaser([&] {
    std::this_thread::sleep_for(20ms);
    release = true;
  });
  r.Reset();
  EXPECT_TRUE(finished);  // not merely likely: Reset() returned only after it
  canceller.join();
  releaser.join();
}

TEST(CancelToken, ConcurrentRegisterAndCancelRunEveryLiveCallbackOnce) {
  for (int round = 0; round < 50; ++round) {
    CancelToken token;
    std::atomic<int> ran{0};
    std::vector<CancelRegistration> regs(200);
    std::thread registrar([&] {
      for (auto& r : regs) r = token.OnCancel([&] { ++ran; });
    });
    token.Cancel();
    registrar.join();
    // Registered before Cancel(): run by it; after: run at once by OnCancel.
    EXPECT_EQ(ran.load(), 200);
  }
}

}  // namespace
}  // namespace mv
