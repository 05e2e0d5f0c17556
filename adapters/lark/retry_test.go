package lark

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

func TestRetryAfterLostAnswerSendsOnce(t *testing.T) {
	s := larktest.NewServer(t)
	s.LoseNextResponses("create", 1)
	snd := outSender(s, func(o *SenderOptions) { o.Timeout = 300 * time.Millisecond })
	keyed := outText("reminder")
	keyed.To, keyed.Key = "ou_emp", "plan:7:weekly:2026-10"
	unkeyed := outText("ok")
	for range 2 { // the second round is the worker retrying the whole event
		if err := snd.Deliver(context.Background(), p2pOrigin, []bot.Reply{keyed, unkeyed}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := s.Messages()
	if len(msgs) != 2 || msgs[0].ReceiveID != "ou_emp" || msgs[1].ReceiveID != "oc_p2p" {
		t.Fatalf("messages = %+v, want one each after a timeout and a retried event", msgs)
	}
	if id, err := snd.Send(context.Background(), "tk", keyed); err != nil || id != msgs[0].ID {
		t.Errorf("Send of the same key = %q, %v; want the first message %s", id, err, msgs[0].ID)
	}
}

func TestRateLimitWaitsForReset(t *testing.T) {
	s := larktest.NewServer(t, larktest.WithCeilings(larktest.Platform.Scale(0.02))) // 1/s per app
	snd := outSender(s)                                                              // paced for the real ceilings
	start := time.Now()
	for _, to := range []string{"ou_a", "ou_b", "ou_c"} {
		r := outText("hi")
		r.To, r.Key = to, "k"
		if _, err := snd.Send(context.Background(), "tk", r); err != nil {
			t.Fatalf("send to %s: %v", to, err)
		}
	}
	msgs := s.Messages()
	if len(msgs) != 3 || s.Count429() == 0 {
		t.Fatalf("%d messages, %d 429s; want 3 sent after 429s", len(msgs), s.Count429())
	}
	for i := 1; i < len(msgs); i++ {
		if gap := msgs[i].At.Sub(msgs[i-1].At); gap < time.Second {
			t.Errorf("messages %d and %d %v apart, over the 1/s ceiling", i-1, i, gap)
		}
	}
	if el := time.Since(start); el < 2*time.Second {
		t.Errorf("took %v, want at least the two resets", el)
	}
}

func TestPatchFrequencyWaits(t *testing.T) {
	s := larktest.NewServer(t, larktest.WithCeilings(larktest.Ceilings{AppPerSecond: 50, AppPerMinute: 1000,
		UserPerSecond: 5, ChatPerSecond: 5, PatchPerMsg: 1}))
	snd := outSender(s)
	id, _ := snd.Send(context.Background(), "tk", bot.Reply{To: "ou_op", Key: "c", Message: outText("card").Message})
	o := p2pOrigin
	o.CardMessageID = id
	r := outText("v")
	r.Replace = true
	if err := snd.Deliver(context.Background(), o, []bot.Reply{r, r}); err != nil {
		t.Fatal(err)
	}
	if p := s.Patches(); len(p) != 2 || p[1].At.Sub(p[0].At) < time.Second {
		t.Errorf("patches = %+v, want 2 a second apart after 230020", p)
	}
}

func TestBucketsPaceWithoutSpinning(t *testing.T) {
	s := larktest.NewServer(t, larktest.WithCeilings(larktest.Platform.Scale(5)))
	lim := larktest.NewLimiter(nil)
	snd := outSender(s, func(o *SenderOptions) { o.Limiter, o.Limits = lim, DefaultLimits().Scale(4) })
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := outText("x")
			r.To, r.Key = "ou_same", "k"+string(rune('a'+i))
			if _, err := snd.Send(context.Background(), "tk", r); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := len(s.Messages()); got != n {
		t.Fatalf("%d messages, want %d", got, n)
	}
	if s.Count429() != 0 {
		t.Errorf("%d 429s, want none: the buckets stay below the ceilings", s.Count429())
	}
	if calls := lim.Calls(); calls > 12*n {
		t.Errorf("%d limiter calls for %d messages: spinning", calls, n)
	}
}

func TestLimitsStayBelowCeilings(t *testing.T) {
	l := DefaultLimits()
	within := func(r Rate, span float64, ceiling int) bool {
		return float64(r.Burst)+r.PerSecond*span <= float64(ceiling)
	}
	if !within(l.AppPerSecond, 1, 50) || !within(l.AppPerMinute, 60, 1000) || !within(l.Recipient, 1, 5) || !within(l.PatchPerMsg, 1, 5) {
		t.Errorf("limits %+v let more than a ceiling through in some window", l)
	}
	snd := NewSender(SenderOptions{AppID: "cli_x", Limiter: larktest.NewLimiter(nil)})
	got := snd.buckets(apiCreate, "user:ou_a")
	if len(got) != 3 || got[0].Key != "lark:user:ou_a" || got[1].Key != "lark:app:cli_x:create:m" || got[2].Key != "lark:app:cli_x:create:s" {
		t.Errorf("buckets = %+v", got)
	}
	if p := snd.buckets(apiPatch, "om_1"); p[0].Key != "lark:msg:om_1" {
		t.Errorf("patch buckets = %+v", p)
	}
}

func TestUUID(t *testing.T) {
	a := uuidFor("tk", "plan:1", "ev", 0, "ou_a")
	if len(a) != 50 || a != uuidFor("tk", "plan:1", "other-event", 3, "ou_a") {
		t.Errorf("keyed uuid %q must be 50 chars and ignore the event", a)
	}
	for _, other := range []string{uuidFor("tk2", "plan:1", "", 0, "ou_a"), uuidFor("tk", "plan:2", "", 0, "ou_a"),
		uuidFor("tk", "plan:1", "", 0, "ou_b"), uuidFor("tk", "", "ev", 0, "ou_a")} {
		if other == a {
			t.Errorf("uuid collision for a different tenant, key, receiver or event")
		}
	}
	if uuidFor("tk", "", "ev", 0, "ou_a") == uuidFor("tk", "", "ev", 1, "ou_a") {
		t.Errorf("replies of one event share a uuid")
	}
	if uuidFor("tk", "", "", 0, "ou_a") != "" {
		t.Errorf("no key and no event should give no uuid")
	}
}

// downLimiter is a Limiter whose Redis is gone.
type downLimiter struct{}

func (downLimiter) Allow(context.Context, string, float64, int) (bool, time.Duration, error) {
	return false, 0, errors.New("dial tcp: connection refused")
}

func TestLimiterDownStillSends(t *testing.T) {
	s := larktest.NewServer(t)
	snd := outSender(s, func(o *SenderOptions) { o.Limiter = downLimiter{} })
	r := outText("x")
	r.To, r.Key = "ou_a", "k"
	if _, err := snd.Send(context.Background(), "tk", r); err != nil || len(s.Messages()) != 1 {
		t.Errorf("send with the limiter down: %v, %d messages; want it sent", err, len(s.Messages()))
	}
}

func TestCancelWhileWaitingForBucket(t *testing.T) {
	s := larktest.NewServer(t)
	snd := outSender(s, func(o *SenderOptions) {
		o.Limits = Limits{AppPerSecond: Rate{PerSecond: 1, Burst: 1}, AppPerMinute: Rate{PerSecond: 1, Burst: 1}, Recipient: Rate{PerSecond: 0.001, Burst: 1}, PatchPerMsg: Rate{PerSecond: 1, Burst: 1}}
	})
	r := outText("x")
	r.To, r.Key = "ou_a", "k1"
	if _, err := snd.Send(context.Background(), "tk", r); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r.Key = "k2"
	start := time.Now()
	if _, err := snd.Send(ctx, "tk", r); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("err = %v after %v, want the deadline, promptly", err, time.Since(start))
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages, want only the first", n)
	}
}
