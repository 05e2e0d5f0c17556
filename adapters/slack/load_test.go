package slack

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// TestLoadFiveHundredDMs is the closing figure: 500 reminders to 500
// users (500 DM channels) through the Sender to the fake at Slack's pace
// (1/s per channel; the fake's assumed workspace ceiling of 10/s after a
// burst of 20). It runs only with PIPBOT_SLACK_LOAD=1: a freshly started
// Sender (nothing in memory) whose DMs store knows the users' DMs, as
// after a restart of a process that has written to them before (about a
// minute, no conversations.open); PIPBOT_SLACK_LOAD=cold also measures
// first contact, with an empty store, where each DM is opened with
// conversations.open, Tier 3 (about 12 minutes):
//
//	PIPBOT_SLACK_LOAD=1 go test -run TestLoad -v ./adapters/slack/
func TestLoadFiveHundredDMs(t *testing.T) {
	mode := os.Getenv("PIPBOT_SLACK_LOAD")
	if mode != "1" && mode != "cold" {
		t.Skip("set PIPBOT_SLACK_LOAD=1 (or cold) to run the one-minute send load test")
	}
	const n, workers = 500, 64
	store := slacktest.NewCache(nil)
	o := newOutbound(t, nil, func(opts *SenderOptions) { opts.Attempts, opts.DMs = 10, store })
	if mode != "cold" {
		for i := range n {
			user := fmt.Sprintf("U%05d", i)
			if err := store.Set(outCtx, dmKey(slacktest.TeamID, user), []byte(o.fake.OpenDM(user)), dmTTL); err != nil {
				t.Fatal(err)
			}
		}
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []error
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				r := bot.Reply{To: fmt.Sprintf("U%05d", i), Private: true, Key: fmt.Sprintf("load:%d", i),
					Message: bot.Message{Title: "Weekly check-in", Blocks: []bot.Block{
						bot.Text{Body: fmt.Sprintf("Reminder %d: please post this week's update.", i)}}}}
				if _, err := o.snd.Send(outCtx, slacktest.TeamID, r); err != nil {
					mu.Lock()
					failed = append(failed, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	msgs := o.fake.Messages()
	if len(failed) > 0 || len(msgs) != n {
		t.Fatalf("%d sent, %d failed (first: %v)", len(msgs), len(failed), failed)
	}
	limits, pace := slacktest.Slack(), DefaultPace()
	floor := time.Duration(float64(n-limits.Workspace.Burst) / limits.Workspace.PerSecond * float64(time.Second))
	own := time.Duration(float64(n-pace.Workspace.Burst) / pace.Workspace.PerSecond * float64(time.Second))
	t.Logf("mode %s: %d DMs to %d users with %d workers in %v; %d conversations.open calls",
		mode, n, n, workers, elapsed.Round(time.Millisecond), o.fake.Calls("conversations.open"))
	t.Logf("minimum at the fake's workspace ceiling (%g/s after %d): %v (elapsed is %.0f%% of it); the Sender's own pace (%g/s after %d): %v",
		limits.Workspace.PerSecond, limits.Workspace.Burst, floor, 100*elapsed.Seconds()/floor.Seconds(),
		pace.Workspace.PerSecond, pace.Workspace.Burst, own)
	if mode == "cold" {
		opens := float64(n-pace.Open.Burst) / pace.Open.PerSecond
		t.Logf("first contact: conversations.open (Tier 3, 50/min) binds: the Sender's open pace alone needs %v",
			time.Duration(opens*float64(time.Second)).Round(time.Second))
	}
	t.Logf("429s received: %d; peak %d posts in a second (ceiling %g/s after %d)",
		o.fake.Count429(), peakPerSecond(msgs), limits.Workspace.PerSecond, limits.Workspace.Burst)
}

// peakPerSecond is the most messages in any one-second window.
func peakPerSecond(msgs []slacktest.Message) int {
	best, j := 0, 0
	for i := range msgs {
		for msgs[i].At.Sub(msgs[j].At) >= time.Second {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}
