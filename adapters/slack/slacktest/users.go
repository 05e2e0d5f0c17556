package slacktest

import (
	"maps"
	"strings"
	"time"
)

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
	// Fields are the custom profile fields set for the user, by field id
	// (Xf…): their values, e.g. a "user" field's user id. Only
	// users.profile.get returns them, as on Slack.
	Fields map[string]string
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

// usersProfileGet answers users.profile.get: the user's profile with
// their custom fields, as {"value":…,"alt":""} by field id, and "fields":
// [] when none is set (Slack answers an empty list, not an object). Without
// a user it is the caller's, the bot's. Labels (include_labels) are not
// known here and never returned.
func (s *Server) usersProfileGet(in request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep, admitted := s.admit("users.profile.get", s.now()); !admitted {
		return rep
	}
	id := in.get("user")
	if id == "" {
		id = BotUserID
	}
	u, known := s.users[id]
	switch {
	case !known && id == BotUserID:
		u = User{ID: BotUserID, Name: "pipbot", RealName: "pipbot", IsBot: true}
	case !known:
		return fail("user_not_found")
	}
	team := u.TeamID
	if team == "" {
		team = TeamID
	}
	var fields any = []any{}
	if len(u.Fields) > 0 {
		m := map[string]any{}
		for k, v := range u.Fields {
			m[k] = map[string]any{"value": v, "alt": ""}
		}
		fields = m
	}
	first, last, _ := strings.Cut(u.RealName, " ")
	return ok(map[string]any{"profile": map[string]any{
		"title": "", "phone": "", "skype": "",
		"real_name": u.RealName, "real_name_normalized": u.RealName,
		"display_name": u.Name, "display_name_normalized": u.Name,
		"first_name": first, "last_name": last,
		"fields": fields, "status_text": "", "status_emoji": "", "status_expiration": 0,
		"avatar_hash": "", "team": team,
	}})
}

// SetField sets (or, with an empty value, clears) custom profile field
// fieldID of the known user userID, as when they or an admin edit their
// profile; it reports whether the user is known.
func (s *Server) SetField(userID, fieldID, value string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, known := s.users[userID]
	if !known {
		return false
	}
	fields := maps.Clone(u.Fields)
	if fields == nil {
		fields = map[string]string{}
	}
	if value == "" {
		delete(fields, fieldID)
	} else {
		fields[fieldID] = value
	}
	u.Fields = fields
	s.users[userID] = u
	return true
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
	u.Fields = maps.Clone(u.Fields)
	s.users[u.ID] = u
}
