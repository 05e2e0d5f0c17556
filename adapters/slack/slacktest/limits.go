package slacktest

import (
	"maps"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Bucket is a token bucket: Burst calls at once, then PerSecond. A zero
// PerSecond means no limit.
type Bucket struct {
	PerSecond float64
	Burst     int
}

// Limits are the rate limits the fake enforces, per method for its one
// workspace and app, as Slack does. Over a limit a call is answered HTTP
// 429 with Retry-After (whole seconds, at least 1) and has no effect.
type Limits struct {
	// PerChannel paces chat.postMessage in one channel: Slack allows about
	// one message a second per channel, with short bursts.
	PerChannel Bucket
	// Workspace paces chat.postMessage in the whole workspace. Slack keeps
	// such a limit but does not publish it.
	Workspace Bucket
	// PerMinute limits other methods to so many calls in any 60 s (Slack's
	// tiers: Tier 3 is 50+, Tier 4 100+); a method not listed, or 0, is
	// unlimited.
	PerMinute map[string]int
}

// Slack is what Slack documents, taking each "+" at its floor: chat.update,
// conversations.open and conversations.history Tier 3 (50/min);
// chat.postEphemeral, views.*, users.info and users.profile.get Tier 4
// (100/min);
// chat.postMessage 1/s per channel after a burst of 3. For the unpublished
// workspace-wide limit it assumes 10/s after a burst of 20 (about 600/min),
// the order of magnitude reports of Slack's behaviour suggest; the
// adapter's own workspace pace stays well below it.
func Slack() Limits {
	return Limits{
		PerChannel: Bucket{PerSecond: 1, Burst: 3},
		Workspace:  Bucket{PerSecond: 10, Burst: 20},
		PerMinute: map[string]int{
			"chat.update": 50, "conversations.open": 50, "conversations.history": 50,
			"chat.postEphemeral": 100, "views.open": 100, "views.update": 100, "views.publish": 100,
			"users.info": 100, "users.profile.get": 100,
			"files.getUploadURLExternal": 100, "files.completeUploadExternal": 100, // tier 4
		},
	}
}

// Scale multiplies every rate by f: the buckets' rates (bursts unchanged)
// and the per-minute counts (at least 1).
func (l Limits) Scale(f float64) Limits {
	b := func(b Bucket) Bucket { return Bucket{PerSecond: b.PerSecond * f, Burst: b.Burst} }
	out := Limits{PerChannel: b(l.PerChannel), Workspace: b(l.Workspace), PerMinute: maps.Clone(l.PerMinute)}
	for k, n := range out.PerMinute {
		if n > 0 {
			out.PerMinute[k] = max(1, int(math.Round(float64(n)*f)))
		}
	}
	return out
}

// tokens is the state of one token bucket.
type tokens struct {
	n  float64
	at time.Time
}

// wait refills t to now and says how long until it holds a token (0: it
// holds one now).
func (t *tokens) wait(b Bucket, now time.Time) time.Duration {
	if now.After(t.at) {
		t.n = math.Min(float64(b.Burst), t.n+now.Sub(t.at).Seconds()*b.PerSecond)
		t.at = now
	}
	if t.n >= 1 {
		return 0
	}
	return time.Duration((1 - t.n) / b.PerSecond * float64(time.Second))
}

// admitPost counts a chat.postMessage in channel against the channel's and
// the workspace's buckets, or against neither when one is empty. Callers
// hold s.mu.
func (s *Server) admitPost(channel string, now time.Time) (reply, bool) {
	type use struct {
		key string
		b   Bucket
	}
	uses := []use{{"chan:" + channel, s.limits.PerChannel}, {"workspace", s.limits.Workspace}}
	var longest time.Duration
	for _, u := range uses {
		if u.b.PerSecond <= 0 {
			continue
		}
		t := s.buckets[u.key]
		if t == nil {
			t = &tokens{n: float64(max(1, u.b.Burst)), at: now}
			s.buckets[u.key] = t
		}
		longest = max(longest, t.wait(u.b, now))
	}
	if longest > 0 {
		return s.tooMany(longest), false
	}
	for _, u := range uses {
		if t := s.buckets[u.key]; t != nil && u.b.PerSecond > 0 {
			t.n--
		}
	}
	return reply{}, true
}

// admit counts a call of method against its per-minute limit. Callers hold
// s.mu.
func (s *Server) admit(method string, now time.Time) (reply, bool) {
	n := s.limits.PerMinute[method]
	if n <= 0 {
		return reply{}, true
	}
	hits := s.windows[method]
	i := 0
	for i < len(hits) && !hits[i].After(now.Add(-time.Minute)) {
		i++
	}
	hits = hits[i:]
	if len(hits) >= n {
		s.windows[method] = hits
		return s.tooMany(hits[len(hits)-n].Add(time.Minute).Sub(now)), false
	}
	s.windows[method] = append(hits, now)
	return reply{}, true
}

// tooMany is Slack's answer over a limit: HTTP 429, Retry-After in whole
// seconds (at least 1), error "ratelimited".
func (s *Server) tooMany(wait time.Duration) reply {
	s.count429++
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return reply{
		status: http.StatusTooManyRequests,
		header: map[string]string{"Retry-After": strconv.Itoa(secs)},
		body:   map[string]any{"ok": false, "error": "ratelimited"},
	}
}
