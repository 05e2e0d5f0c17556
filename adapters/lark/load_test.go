package lark

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

// TestLoadThousandCards is the closing figure: 1,000 cards through the
// Sender to the fake with the platform's real ceilings, spread over 200
// users and one group chat. It runs only with PIPBOT_LARK_LOAD=1 (it takes
// a minute): go test -run TestLoad -v ./adapters/lark/
func TestLoadThousandCards(t *testing.T) {
	if os.Getenv("PIPBOT_LARK_LOAD") != "1" {
		t.Skip("set PIPBOT_LARK_LOAD=1 to run the one-minute send load test")
	}
	const n, users, workers = 1000, 200, 64
	s := larktest.NewServer(t)
	snd := outSender(s, func(o *SenderOptions) { o.Attempts = 10 })
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []error
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				r := bot.Reply{Key: fmt.Sprintf("load:%d", i), Message: bot.Message{Title: "Weekly check-in",
					Blocks: []bot.Block{bot.Text{Body: fmt.Sprintf("Reminder %d: please post this week's update.", i)}}}}
				if i%(users+1) == users {
					r.Chat = "oc_team"
				} else {
					r.To, r.Private = fmt.Sprintf("ou_user%03d", i%(users+1)), true
				}
				if _, err := snd.Send(context.Background(), "tk", r); err != nil {
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
	msgs := s.Messages()
	if len(failed) > 0 || len(msgs) != n {
		t.Fatalf("%d sent, %d failed (first: %v)", len(msgs), len(failed), failed)
	}
	perSec, perMin, perUser := peak(msgs, time.Second, false), peak(msgs, time.Minute, false), peak(msgs, time.Second, true)
	rateFloor := time.Duration(float64(n) / 1000 * float64(time.Minute))
	windowFloor := time.Duration(float64(n-1) / 50 * float64(time.Second))
	t.Logf("sent %d cards to %d users and 1 chat with %d workers in %v", n, users, workers, elapsed.Round(time.Millisecond))
	t.Logf("ceiling floor at 1,000/min: %v (%.1f%% of it: %.0f cards/min); strict sliding-window floor at 50/s: %v",
		rateFloor, 100*elapsed.Seconds()/rateFloor.Seconds(), float64(n)/elapsed.Minutes(), windowFloor.Round(time.Millisecond))
	t.Logf("429s received: %d; peaks: %d in a second (ceiling 50), %d in a minute (1,000), %d to one recipient in a second (5)",
		s.Count429(), perSec, perMin, perUser)
}

// peak is the most messages in any window of span (ending at a message),
// overall or, with byRecipient, to one recipient.
func peak(msgs []larktest.Message, span time.Duration, byRecipient bool) int {
	best := 0
	for i, m := range msgs {
		c := 0
		for _, o := range msgs[:i+1] {
			if m.At.Sub(o.At) < span && (!byRecipient || o.ReceiveID == m.ReceiveID) {
				c++
			}
		}
		best = max(best, c)
	}
	return best
}
