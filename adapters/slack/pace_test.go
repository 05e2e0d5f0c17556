package slack

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// outSendAll sends replies concurrently and fails the test on any error.
func outSendAll(t *testing.T, snd *Sender, replies []bot.Reply) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(replies))
	for _, r := range replies {
		wg.Go(func() {
			if _, err := snd.Send(outCtx, slacktest.TeamID, r); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestSenderPace sends 10 messages to one channel at once, against a fake
// at 10× Slack's pace that grants no burst in a channel: they arrive spaced by the
// Sender's pace, and none is refused.
func TestSenderPace(t *testing.T) {
	const scale = 10
	o := newOutbound(t, []slacktest.Option{slacktest.WithScale(scale), slacktest.WithPace(1*scale, 1)},
		func(opts *SenderOptions) { opts.Pace = DefaultPace().Scale(scale) })
	var replies []bot.Reply
	for i := range 10 {
		r := outNote(fmt.Sprintf("update %d", i))
		r.Chat, r.Key = "C1", fmt.Sprintf("pace:%d", i)
		replies = append(replies, r)
	}
	start := time.Now()
	outSendAll(t, o.snd, replies)
	elapsed := time.Since(start)
	msgs := o.fake.Messages()
	if len(msgs) != 10 || o.fake.Count429() != 0 {
		t.Fatalf("%d messages, %d 429s; want 10 and 0", len(msgs), o.fake.Count429())
	}
	pace := time.Duration(float64(time.Second) / o.snd.pace.Channel.PerSecond)
	for i := 1; i < len(msgs); i++ {
		// Arrivals may bunch by network jitter; the fake's own pace (1/scale s) is the hard floor.
		if gap := msgs[i].At.Sub(msgs[i-1].At); gap < time.Second/scale {
			t.Errorf("messages %d and %d arrived %v apart, under the fake's pace", i-1, i, gap)
		}
	}
	if min := 9 * pace; elapsed < min-10*time.Millisecond {
		t.Errorf("10 messages took %v, want ≥ 9 × %v", elapsed, pace)
	}
}

// TestSenderRetryAfter forces a 429: the fake allows one post per 2 s in a
// channel, the Sender paces 4.5 a second. The second post waits out
// Retry-After instead of spinning, and each message arrives once.
func TestSenderRetryAfter(t *testing.T) {
	o := newOutbound(t, []slacktest.Option{slacktest.WithPace(0.5, 1)},
		func(opts *SenderOptions) { opts.Pace = DefaultPace().Scale(5) })
	first, second := outNote("one"), outNote("two")
	first.Chat, first.Key = "C1", "ra:1"
	second.Chat, second.Key = "C1", "ra:2"
	for _, r := range []bot.Reply{first, second} {
		if _, err := o.snd.Send(outCtx, slacktest.TeamID, r); err != nil {
			t.Fatal(err)
		}
	}
	msgs := o.fake.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	if n := o.fake.Count429(); n != 1 {
		t.Errorf("%d 429s, want exactly 1: the Sender must wait Retry-After, not spin", n)
	}
	if gap := msgs[1].At.Sub(msgs[0].At); gap < 2*time.Second {
		t.Errorf("second post %v after the first, want ≥ 2 s (Retry-After)", gap)
	}
}

// TestSenderHoldsAfter429 checks that a 429 holds every post of the
// process for Retry-After, not just the one refused: with the workspace
// ceiling reached, a post to another channel waits instead of calling.
func TestSenderHoldsAfter429(t *testing.T) {
	o := newOutbound(t, []slacktest.Option{slacktest.WithWorkspaceCeiling(1, 1)},
		func(opts *SenderOptions) { opts.Limiter = nil }) // paced by 429s alone
	send := func(ch string) error {
		r := outNote("x")
		r.Chat, r.Key = ch, "hold:"+ch
		_, err := o.snd.Send(outCtx, slacktest.TeamID, r)
		return err
	}
	if err := send("C0"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := send("C1"); err != nil {
			t.Error(err)
		}
	})
	for o.fake.Count429() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the Sender reads the 429
	wg.Go(func() {
		if err := send("C2"); err != nil {
			t.Error(err)
		}
	})
	time.Sleep(300 * time.Millisecond)
	if n := o.fake.Calls("chat.postMessage"); n != 2 {
		t.Errorf("%d posts during the hold, want 2 (the second post was refused, the third must wait)", n)
	}
	wg.Wait()
	if got := len(o.fake.Messages()); got != 3 {
		t.Errorf("%d messages, want 3", got)
	}
}
