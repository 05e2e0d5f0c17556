package slacktest

import "time"

// User is someone users.info knows.
type User struct {
	ID       string // U…
	TeamID   string // TeamID when empty
	Name     string // handle
	RealName string
	TZ       string // IANA zone, e.g. "Asia/Shanghai"
	Locale   string // e.g. "zh-CN", "en-US"; returned with include_locale=true
	Deleted  bool
	IsBot    bool
}

// usersInfo answers users.info: a configured user, with tz_offset at the
// fake's now and locale only when asked for.
func (s *Server) usersInfo(in request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, admitted := s.admit("users.info", now); !admitted {
		return rep
	}
	u, known := s.users[in.get("user")]
	if !known {
		return fail("user_not_found")
	}
	team := u.TeamID
	if team == "" {
		team = TeamID
	}
	offset, label := 0, "Coordinated Universal Time"
	if loc, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
		label, offset = now.In(loc).Zone()
	}
	user := map[string]any{
		"id": u.ID, "team_id": team, "name": u.Name, "real_name": u.RealName, "deleted": u.Deleted,
		"is_bot": u.IsBot, "tz": u.TZ, "tz_label": label, "tz_offset": offset,
		"profile": map[string]any{"real_name": u.RealName, "display_name": u.Name, "team": team},
	}
	if in.flag("include_locale") && u.Locale != "" {
		user["locale"] = u.Locale
	}
	return ok(map[string]any{"user": user})
}

// authTest answers auth.test for the bot token: the workspace and the bot.
func (s *Server) authTest(request) reply {
	return ok(map[string]any{"url": "https://fake.slack.test/", "team": TeamName, "user": "pipbot",
		"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID})
}

// connectionsOpen answers apps.connections.open for the app-level token:
// the Socket Mode URL set with WithSocketURL or SetSocketURL.
func (s *Server) connectionsOpen(request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.socketURL == "" {
		return fail("internal_error") // no fake socket server was plugged in
	}
	return ok(map[string]any{"url": s.socketURL})
}

// SetSocketURL changes the URL apps.connections.open hands out, for a
// socket server started after the fake.
func (s *Server) SetSocketURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.socketURL = url
}

// SetUser adds u or replaces the user with u's id, as when someone edits
// their Slack profile.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}
