// Package larktest is an in-process fake of the Feishu/Lark Open API for
// tests: the tenant token, message create and patch, the delayed card update,
// the contact user and the chat, the app calendar's events and attendees
// (calendar.go), with the platform's rate limits, error codes and
// uuid de-duplication. The real SDK is pointed at it with
// lark.WithOpenBaseUrl(s.URL).
//
// It is a normal package, not a _test one, so end-to-end tests in other
// packages (cmd/pipbot) can run the whole bot against it.
package larktest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The app NewServer accepts unless told otherwise.
const (
	AppID     = "cli_fake0000000001"
	AppSecret = "fake-app-secret"
)

// Server answers like the Feishu Open API. All methods are safe for
// concurrent use.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	now      func() time.Time
	apps     map[string]string // app id → secret
	ceilings Ceilings
	windows  map[string][]time.Time
	users    map[string]User
	msgs     []*message
	byID     map[string]*message
	uuids    map[string]*message // app|uuid → message
	patches  []Patch
	updates  []CardUpdate
	tokens   map[string]*cardToken
	count429 int
	seq      int
	stall    map[string]int // API → responses still to lose
	chats    map[string]string
	uploads  map[string]*Upload // file_key → file (im/v1/files)
	cal      *calendarState     // calendar v4 (calendar.go), made on first use
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read time from now (uuid window, rate-limit
// windows, card age, token lifetime).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithApp adds an app (id and secret) the token endpoint accepts.
func WithApp(id, secret string) Option { return func(s *Server) { s.apps[id] = secret } }

// WithUsers adds people the contact API knows.
func WithUsers(users ...User) Option {
	return func(s *Server) {
		for _, u := range users {
			s.users[u.OpenID] = u
		}
	}
}

// WithCeilings replaces the platform's rate limits (see Platform and Scale).
func WithCeilings(c Ceilings) Option { return func(s *Server) { s.ceilings = c } }

// WithScale multiplies the platform's ceilings by f: below 1 forces 429s in
// short tests, above 1 makes load tests fast.
func WithScale(f float64) Option { return WithCeilings(Platform.Scale(f)) }

// NewServer starts a fake Open API that is closed when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		now: time.Now, apps: map[string]string{AppID: AppSecret}, ceilings: Platform,
		windows: map[string][]time.Time{}, users: map[string]User{}, byID: map[string]*message{},
		uuids: map[string]*message{}, tokens: map[string]*cardToken{}, stall: map[string]int{}, chats: map[string]string{},
		uploads: map[string]*Upload{},
	}
	for _, o := range opts {
		o(s)
	}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

// reply is one answer, built under the lock and written after it.
type reply struct {
	status int
	header map[string]string
	body   any
}

// success is an answer with data.
func success(data any) reply {
	return reply{status: http.StatusOK, body: map[string]any{"code": 0, "msg": "success", "data": data}}
}

// fail is an error answer with the platform's code.
func fail(status, code int, msg string) reply {
	return reply{status: status, body: map[string]any{"code": code, "msg": msg, "error": map[string]any{}}}
}

// ServeHTTP routes the Open API paths the adapter uses.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	var rep reply
	api := ""
	switch {
	case r.Method == http.MethodPost && p == "/open-apis/auth/v3/tenant_access_token/internal":
		rep = s.tenantToken(r)
	case r.Method == http.MethodPost && p == "/open-apis/im/v1/messages":
		api, rep = apiCreate, s.authed(r, s.createMessage)
	case r.Method == http.MethodPost && p == "/open-apis/im/v1/files":
		api, rep = apiFile, s.authed(r, s.uploadFile)
	case r.Method == http.MethodPatch && strings.HasPrefix(p, "/open-apis/im/v1/messages/"):
		api, rep = apiPatch, s.authed(r, s.patchMessage)
	case r.Method == http.MethodPost && p == "/open-apis/interactive/v1/card/update":
		api, rep = apiCardUpdate, s.authed(r, s.updateCard)
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/open-apis/im/v1/chats/"):
		rep = s.authed(r, s.getChat)
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/open-apis/contact/v3/users/"):
		rep = s.authed(r, s.getUser)
	case r.Method == http.MethodGet && p == "/open-apis/bot/v3/info":
		rep = s.authed(r, s.botInfo)
	case strings.HasPrefix(p, "/open-apis/calendar/v4/"):
		rep = s.authed(r, s.calendar)
	default:
		rep = fail(http.StatusNotFound, 404, "404 page not found")
	}
	if api != "" && rep.status == http.StatusOK && s.takeStall(api) {
		// The request had its effect; its answer is lost, so the client
		// times out (or the test ends).
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

// tenantToken answers the self-built app token call: a token for a known
// app and its secret, the platform's 10014 otherwise.
func (s *Server) tenantToken(r *http.Request) reply {
	var in struct {
		AppID     string `json:"app_id"`
		AppSecret string `json:"app_secret"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.AppID == "" || in.AppSecret == "" {
		return reply{status: http.StatusOK, body: map[string]any{"code": CodeInvalidParam, "msg": "invalid param"}}
	}
	s.mu.Lock()
	secret, known := s.apps[in.AppID]
	s.mu.Unlock()
	if !known || secret != in.AppSecret {
		return reply{status: http.StatusOK, body: map[string]any{"code": CodeAppSecretInvalid, "msg": "app secret invalid"}}
	}
	return reply{status: http.StatusOK, body: map[string]any{
		"code": 0, "msg": "ok", "tenant_access_token": tokenFor(in.AppID, in.AppSecret), "expire": 7200,
	}}
}

// tokenFor is the tenant token of an app. It is derived, not random,
// because the SDK caches tokens process-wide by app id and secret, not by
// base URL: a token fetched from one fake must be good on the next.
func tokenFor(appID, secret string) string {
	sum := sha256.Sum256([]byte(appID + "\x00" + secret))
	return "t-" + hex.EncodeToString(sum[:16])
}

// authed runs h for the app whose tenant token the request carries.
func (s *Server) authed(r *http.Request, h func(r *http.Request, app string) reply) reply {
	auth := r.Header.Get("Authorization")
	tok, found := strings.CutPrefix(auth, "Bearer ")
	if !found || tok == "" {
		return fail(http.StatusBadRequest, CodeTokenMissing, "Missing access token for authorization.")
	}
	s.mu.Lock()
	app := ""
	for id, secret := range s.apps {
		if tokenFor(id, secret) == tok {
			app = id
		}
	}
	s.mu.Unlock()
	if app == "" {
		return fail(http.StatusBadRequest, CodeTokenInvalid, "Invalid access token for authorization.")
	}
	return h(r, app)
}
