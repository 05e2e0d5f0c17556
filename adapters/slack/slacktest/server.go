// Package slacktest is an in-process fake of the Slack Web API for tests:
// auth.test, conversations.open and .history, chat.postMessage,
// .postEphemeral and .update, views.open, .update and .publish, users.info,
// users.profile.get and apps.connections.open, with Slack's rate limits (429 with
// Retry-After), its error answers ({"ok":false,"error":…} with HTTP 200),
// trigger ids that expire after 3 s and work once, and a switch that loses
// the answer to a call which took effect. slack-go is pointed at it with
// slack.OptionAPIURL(s.APIURL()).
//
// It is a normal package, not a _test one, so end-to-end tests in other
// packages (cmd/pipbot) can run the whole bot against it.
package slacktest

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The workspace, bot and tokens of every Server.
const (
	TeamID    = "T0FAKE001"
	TeamName  = "Fake Workspace"
	BotUserID = "U0BOT0001"
	BotID     = "B0BOT0001"
	BotToken  = "xoxb-fake-bot-token"
	AppToken  = "xapp-fake-app-token"
)

// Server answers like the Slack Web API under /api/. All methods are safe
// for concurrent use.
type Server struct {
	*httptest.Server

	mu         sync.Mutex
	now        func() time.Time
	limits     Limits
	buckets    map[string]*tokens
	windows    map[string][]time.Time
	count429   int
	users      map[string]User
	channels   map[string]bool // channels the bot is in, when restricted
	dms        map[string]string
	msgs       []*message
	byTS       map[string]*message // channel|ts → message
	ephemerals []Ephemeral
	updates    []Update
	views      []View
	viewByID   map[string]*View
	homes      []HomeView
	triggers   map[string]*trigger
	lastTS     time.Time
	seq        int
	lose       map[string]int // method → answers still to lose
	calls      map[string]int // method → requests received
	socketURL  string
	files      map[string]*File // external uploads by file id
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read time from now: rate limits, trigger
// lifetimes, message timestamps, tz_offset.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithUsers adds people users.info, users.profile.get, conversations.open
// and chat.postEphemeral know. With none, any U… id is accepted by the
// latter two.
func WithUsers(users ...User) Option {
	return func(s *Server) {
		for _, u := range users {
			u.Fields = maps.Clone(u.Fields)
			s.users[u.ID] = u
		}
	}
}

// WithChannels restricts the channels the bot is a member of: posting
// elsewhere answers not_in_channel. Without it every C… and G… id is one
// the bot is in.
func WithChannels(ids ...string) Option {
	return func(s *Server) {
		for _, id := range ids {
			s.channels[id] = true
		}
	}
}

// WithLimits replaces Slack's rate limits (see Slack and Limits.Scale).
func WithLimits(l Limits) Option { return func(s *Server) { s.limits = l } }

// WithPace sets chat.postMessage's per-channel pace: perSecond messages a
// second after a burst of burst.
func WithPace(perSecond float64, burst int) Option {
	return func(s *Server) { s.limits.PerChannel = Bucket{PerSecond: perSecond, Burst: burst} }
}

// WithWorkspaceCeiling sets chat.postMessage's workspace-wide limit, which
// Slack does not publish: perSecond after a burst of burst.
func WithWorkspaceCeiling(perSecond float64, burst int) Option {
	return func(s *Server) { s.limits.Workspace = Bucket{PerSecond: perSecond, Burst: burst} }
}

// WithTier sets one method's limit in calls per minute; 0 lifts it.
func WithTier(method string, perMinute int) Option {
	return func(s *Server) {
		if s.limits.PerMinute == nil {
			s.limits.PerMinute = map[string]int{}
		}
		s.limits.PerMinute[method] = perMinute
	}
}

// WithScale multiplies every limit set so far by f: below 1 forces 429s in
// short tests, above 1 makes load tests fast. Put it after the other
// limit options.
func WithScale(f float64) Option { return func(s *Server) { s.limits = s.limits.Scale(f) } }

// WithSocketURL is the ws:// URL apps.connections.open hands out, a fake
// Socket Mode server's.
func WithSocketURL(url string) Option { return func(s *Server) { s.socketURL = url } }

// NewServer starts a fake Web API that is closed when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		now: time.Now, limits: Slack(), buckets: map[string]*tokens{}, windows: map[string][]time.Time{},
		users: map[string]User{}, channels: map[string]bool{}, dms: map[string]string{},
		byTS: map[string]*message{}, viewByID: map[string]*View{}, triggers: map[string]*trigger{},
		lose: map[string]int{}, calls: map[string]int{}, files: map[string]*File{},
	}
	for _, o := range opts {
		o(s)
	}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

// APIURL is the base to give slack.OptionAPIURL; it ends in "/".
func (s *Server) APIURL() string { return s.URL + "/api/" }

// reply is one answer, built under the lock and written after it.
type reply struct {
	status int
	header map[string]string
	body   any
}

// ok is a successful answer with fields besides "ok".
func ok(fields map[string]any) reply {
	body := map[string]any{"ok": true}
	for k, v := range fields {
		body[k] = v
	}
	return reply{status: http.StatusOK, body: body}
}

// fail is Slack's error answer: HTTP 200, ok false, an error code.
func fail(code string) reply {
	return reply{status: http.StatusOK, body: map[string]any{"ok": false, "error": code}}
}

// succeeded reports whether rep is an ok answer, a call that took effect.
func succeeded(rep reply) bool {
	body, isMap := rep.body.(map[string]any)
	return rep.status == http.StatusOK && isMap && body["ok"] == true
}

// handler answers one method for an authenticated request.
type handler func(in request) reply

// ServeHTTP routes /api/<method> to the method's handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, uploadPath) {
		s.receiveUpload(w, r)
		return
	}
	method, found := strings.CutPrefix(r.URL.Path, "/api/")
	h, known := s.routes()[method]
	s.count(method)
	var rep reply
	switch {
	case !found || !known:
		rep = reply{status: http.StatusNotFound, body: map[string]any{"ok": false, "error": "unknown_method"}}
	case r.Method != http.MethodPost && r.Method != http.MethodGet:
		rep = reply{status: http.StatusMethodNotAllowed, body: map[string]any{"ok": false, "error": "method_not_supported"}}
	default:
		in, err := parse(r)
		switch {
		case err != nil:
			rep = fail("invalid_form_data")
		case in.token == "":
			rep = fail("not_authed")
		case !authorized(method, in.token):
			rep = fail("invalid_auth")
		default:
			rep = h(in)
		}
	}
	if succeeded(rep) && s.takeLoss(method) {
		// The call had its effect; its answer is lost, so the client times
		// out (or the test ends).
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.status)
	_ = json.NewEncoder(w).Encode(rep.body)
}

// authorized reports whether token may call method: the app-level token
// for apps.connections.open only, the bot token for everything else.
func authorized(method, token string) bool {
	if method == "apps.connections.open" {
		return token == AppToken
	}
	return token == BotToken
}

// routes maps Web API methods to handlers.
func (s *Server) routes() map[string]handler {
	return map[string]handler{
		"auth.test":             s.authTest,
		"apps.connections.open": s.connectionsOpen,
		"conversations.open":    s.conversationsOpen,
		"conversations.history": s.conversationsHistory,
		"chat.postMessage":      s.postMessage,
		"chat.postEphemeral":    s.postEphemeral,
		"chat.update":           s.chatUpdate,
		"views.open":            s.viewsOpen,
		"views.update":          s.viewsUpdate,
		"views.publish":         s.viewsPublish,
		"users.info":            s.usersInfo,
		"users.profile.get":     s.usersProfileGet,

		"files.getUploadURLExternal":   s.getUploadURLExternal,
		"files.completeUploadExternal": s.completeUploadExternal,
	}
}
