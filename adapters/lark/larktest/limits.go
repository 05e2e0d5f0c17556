package larktest

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// Error codes the fake answers with, as the platform does.
const (
	CodeRateLimited      = 99991400 // gateway frequency limit (HTTP 429)
	CodeTokenMissing     = 99991661 // no Authorization header
	CodeTokenInvalid     = 99991663 // unknown tenant access token
	CodeInvalidParam     = 10003    // token call without app id or secret
	CodeAppSecretInvalid = 10014    // token call with a wrong secret
	CodeBadRequest       = 230001   // invalid parameter (also: bad or used-up card update token)
	CodeRecalled         = 230011   // the message was recalled
	CodeFrequency        = 230020   // IM frequency limit (per message patch)
	CodeTooLong          = 230025   // content over 30 KB (card) or 150 KB (text)
	CodeTooOld           = 230031   // patched more than 14 days after sending
	CodeCardInvalid      = 230099   // the card cannot be built (not schema 2.0, too many components)
	CodeElementLimit     = 300305   // the card's build error inside a 230099: over 200 components
	CodeNoUserAuthority  = 41050    // contact: user unknown or outside the app's scope
)

// APIs counted separately: the platform limits each API per app.
const (
	apiCreate     = "create"
	apiPatch      = "patch"
	apiCardUpdate = "card_update"
	apiFile       = "file"
)

// Ceilings are the platform's rate limits. A limit counts requests in the
// sliding window before now (a second or a minute), which is at least as
// strict as fixed windows: a client that passes here passes there.
type Ceilings struct {
	AppPerSecond  int // each API (create, patch, card update) per app
	AppPerMinute  int
	UserPerSecond int // messages created for one user
	ChatPerSecond int // messages created in one group chat
	PatchPerMsg   int // patches of one message per second (answered 230020)
}

// Platform is what Feishu documents: 50/s and 1,000/min per API and app,
// 5/s per user, 5/s per group chat, 5/s patches per message.
var Platform = Ceilings{AppPerSecond: 50, AppPerMinute: 1000, UserPerSecond: 5, ChatPerSecond: 5, PatchPerMsg: 5}

// Scale multiplies every ceiling by f (at least 1 each): below 1 to force
// 429s in a short test, above 1 for fast load tests.
func (c Ceilings) Scale(f float64) Ceilings {
	m := func(v int) int { return max(1, int(math.Round(float64(v)*f))) }
	return Ceilings{AppPerSecond: m(c.AppPerSecond), AppPerMinute: m(c.AppPerMinute),
		UserPerSecond: m(c.UserPerSecond), ChatPerSecond: m(c.ChatPerSecond), PatchPerMsg: m(c.PatchPerMsg)}
}

// limit is one counter: at most n requests under key in any span.
type limit struct {
	key  string
	n    int
	span time.Duration
}

// appLimits are the per-app counters of one API.
func (s *Server) appLimits(app, api string) []limit {
	return []limit{
		{key: "app:" + app + ":" + api + ":s", n: s.ceilings.AppPerSecond, span: time.Second},
		{key: "app:" + app + ":" + api + ":m", n: s.ceilings.AppPerMinute, span: time.Minute},
	}
}

// admit counts a request against every limit, or against none when one is
// full; then it returns the 429 answer for that one. Callers hold s.mu.
func (s *Server) admit(now time.Time, limits ...limit) (reply, bool) {
	for _, l := range limits {
		hits := s.recent(l, now)
		if len(hits) >= l.n {
			return s.tooMany(l, hits[0].Add(l.span).Sub(now)), false
		}
	}
	for _, l := range limits {
		s.windows[l.key] = append(s.windows[l.key], now)
	}
	return reply{}, true
}

// recent drops the hits of l that left its window and returns the rest,
// oldest first.
func (s *Server) recent(l limit, now time.Time) []time.Time {
	hits := s.windows[l.key]
	i := 0
	for i < len(hits) && !hits[i].After(now.Add(-l.span)) {
		i++
	}
	hits = hits[i:]
	s.windows[l.key] = hits
	return hits
}

// tooMany is the gateway's answer when a limit is reached: HTTP 429, code
// 99991400, and how many seconds until a slot frees (at least 1).
func (s *Server) tooMany(l limit, wait time.Duration) reply {
	s.count429++
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return reply{
		status: http.StatusTooManyRequests,
		header: map[string]string{
			"x-ogw-ratelimit-limit": strconv.Itoa(l.n),
			"x-ogw-ratelimit-reset": strconv.Itoa(secs),
		},
		body: map[string]any{"code": CodeRateLimited, "msg": "request trigger frequency limit"},
	}
}
