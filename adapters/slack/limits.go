package slack

import (
	"time"

	"github.com/pipbot/pipbot/adapters/pace"
)

// Rate is one token bucket: Burst calls at once, then PerSecond. It lets
// through at most Burst + PerSecond×T calls in any span T.
type Rate = pace.Rate

// Pace is how fast the Sender calls each Web API method, each a token
// bucket in the Limiter that every replica shares. Slack limits per
// method, workspace and app (PLATFORMS 2e).
type Pace struct {
	// Channel paces chat.postMessage in one channel. Slack allows about
	// one a second per channel with short bursts it does not guarantee.
	Channel Rate
	// Workspace paces chat.postMessage across the workspace. Slack keeps a
	// workspace-wide limit but does not publish it; this is a guess kept
	// low, and a 429 holds every post of this process for its Retry-After.
	Workspace Rate
	Ephemeral Rate // chat.postEphemeral, Tier 4 (100+/min)
	Update    Rate // chat.update, Tier 3 (50+/min)
	Open      Rate // conversations.open, Tier 3 (50+/min)
	History   Rate // conversations.history, Tier 3 (50+/min)
}

// DefaultPace stays under Slack's limits in every window, not just on
// average: 0.9 posts a second per channel and no burst (10% under the
// documented rate, so network jitter cannot bunch two posts into one
// second); 8 posts a second in the workspace after a burst of 8, at most
// 488 in any minute; 47 calls in any minute of a Tier 3 method, 95 of
// chat.postEphemeral.
func DefaultPace() Pace {
	return Pace{
		Channel:   Rate{PerSecond: 0.9, Burst: 1},
		Workspace: Rate{PerSecond: 8, Burst: 8},
		Ephemeral: Rate{PerSecond: 1.5, Burst: 5},
		Update:    Rate{PerSecond: 0.7, Burst: 5},
		Open:      Rate{PerSecond: 0.7, Burst: 5},
		History:   Rate{PerSecond: 0.7, Burst: 5},
	}
}

// Scale multiplies every rate by f, bursts unchanged, to match a fake
// whose limits are scaled the same way (slacktest.WithScale).
func (p Pace) Scale(f float64) Pace {
	s := func(r Rate) Rate { return Rate{PerSecond: r.PerSecond * f, Burst: r.Burst} }
	return Pace{Channel: s(p.Channel), Workspace: s(p.Workspace), Ephemeral: s(p.Ephemeral),
		Update: s(p.Update), Open: s(p.Open), History: s(p.History)}
}

// postBuckets are the buckets of a chat.postMessage in channel: the
// channel's first, the workspace's last, so the call follows its last
// grant at once. The last bucket of every list is the one a 429 holds.
func (s *Sender) postBuckets(team, channel string) []pace.Bucket {
	return []pace.Bucket{
		{Key: "slack:" + team + ":chan:" + channel, Rate: s.pace.Channel},
		{Key: "slack:" + team + ":post", Rate: s.pace.Workspace},
	}
}

// methodBucket is the bucket of another method in the workspace.
func (s *Sender) methodBucket(team, method string, r Rate) []pace.Bucket {
	return []pace.Bucket{{Key: "slack:" + team + ":api:" + method, Rate: r}}
}

// retryPause is the pause before retrying an unknown outcome: 200 ms
// doubling, at most 3 s, with jitter so replicas do not retry in step.
func retryPause(attempt int) time.Duration {
	return pace.Backoff(attempt, 200*time.Millisecond, 3*time.Second)
}
