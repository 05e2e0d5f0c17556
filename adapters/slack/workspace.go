package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// identity is the Web API call that says which workspace the bot token
// belongs to and which user the bot is (*slack.Client).
type identity interface {
	AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error)
}

// whoami is the installation: the workspace and the bot's own user.
type whoami struct {
	TeamID    string
	BotUserID string
}

// self remembers the installation, from Options or from auth.test. A failed
// auth.test is not tried again for authRetry, so an outage does not add a
// call to every request.
type self struct {
	mu        sync.Mutex
	teamID    string
	botUserID string
	failedAt  time.Time
}

const (
	authRetry   = 10 * time.Second
	authTimeout = time.Second
)

// get returns the installation, asking auth.test for what Options did not
// say. On failure it returns what it knows, with the error.
func (s *self) get(ctx context.Context, id identity) (whoami, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := whoami{TeamID: s.teamID, BotUserID: s.botUserID}
	if w.TeamID != "" && w.BotUserID != "" {
		return w, nil
	}
	if id == nil {
		return w, errors.New("no Web API client")
	}
	if !s.failedAt.IsZero() && time.Since(s.failedAt) < authRetry {
		return w, errors.New("auth.test failed recently")
	}
	ctx, cancel := context.WithTimeout(ctx, authTimeout)
	defer cancel()
	res, err := id.AuthTestContext(ctx)
	if err != nil {
		s.failedAt = time.Now()
		return w, fmt.Errorf("auth.test: %w", err)
	}
	if s.teamID == "" {
		s.teamID = res.TeamID
	}
	if s.botUserID == "" {
		s.botUserID = res.UserID
	}
	return whoami{TeamID: s.teamID, BotUserID: s.botUserID}, nil
}

// sameWorkspace reports whether a click or submission may reach the engine:
// the user must belong to the team the payload is for, and that team must
// be the workspace the app is installed in. In a Slack Connect channel,
// users of other workspaces see the bot's messages and can press their
// buttons; their ids mean nothing in this tenant, so they are refused
// before the engine. When the installation cannot be learned, it fails
// closed.
func (a *Adapter) sameWorkspace(ctx context.Context, payloadTeam, userTeam string) (bool, string) {
	if payloadTeam == "" || userTeam == "" {
		return false, "team missing"
	}
	if userTeam != payloadTeam {
		return false, "user of another workspace"
	}
	w, err := a.self.get(ctx, a.ident)
	if w.TeamID == "" {
		a.log.WarnContext(ctx, "installation unknown", "err", err)
		return false, "installation unknown"
	}
	if payloadTeam != w.TeamID {
		return false, "payload of another workspace"
	}
	return true, ""
}

// errInstallationUnknown is an event that arrived while the installed
// workspace could not be learned (auth.test failing, Options.TeamID empty).
var errInstallationUnknown = errors.New("installed workspace unknown")

// installed reports whether teamID is the workspace the app is installed
// in; err is errInstallationUnknown (wrapped) when that cannot be learned.
func (a *Adapter) installed(ctx context.Context, teamID string) (bool, error) {
	w, err := a.self.get(ctx, a.ident)
	if w.TeamID == "" {
		if err == nil {
			return false, errInstallationUnknown
		}
		return false, fmt.Errorf("%w: %w", errInstallationUnknown, err)
	}
	return teamID != "" && teamID == w.TeamID, nil
}
