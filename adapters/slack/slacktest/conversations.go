package slacktest

import (
	"cmp"
	"strconv"
	"strings"
)

// conversationsOpen answers conversations.open for one user: the DM
// channel of the bot and that user, the same id every time.
func (s *Server) conversationsOpen(in request) reply {
	users := strings.Split(in.get("users"), ",")
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep, admitted := s.admit("conversations.open", s.now()); !admitted {
		return rep
	}
	switch {
	case in.get("users") == "":
		return fail("users_list_not_supplied")
	case len(users) > 1:
		return fail("not_supported") // group DMs are not faked
	}
	user := users[0]
	isUser := strings.HasPrefix(user, "U") || strings.HasPrefix(user, "W")
	if _, known := s.users[user]; !isUser || (len(s.users) > 0 && !known) {
		return fail("user_not_found")
	}
	_, already := s.dms[user]
	id := s.dm(user)
	return ok(map[string]any{"already_open": already, "no_op": already,
		"channel": map[string]any{"id": id, "is_im": true, "user": user}})
}

// conversationsHistory answers conversations.history: the channel's
// messages newest first, between oldest and latest (exclusive unless
// inclusive), limit at a time (100 by default, at most 999) from cursor;
// metadata only with include_all_metadata. Ephemeral messages are never
// listed.
func (s *Server) conversationsHistory(in request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep, admitted := s.admit("conversations.history", s.now()); !admitted {
		return rep
	}
	channel, code := s.resolve(in.get("channel"))
	if code != "" || strings.HasPrefix(in.get("channel"), "U") {
		return fail("channel_not_found")
	}
	oldest, latest, inclusive := in.get("oldest"), in.get("latest"), in.flag("inclusive")
	after := func(ts, bound string) bool { c := compareTS(ts, bound); return c > 0 || inclusive && c == 0 }
	var found []*message
	for i := len(s.msgs) - 1; i >= 0; i-- {
		m := s.msgs[i]
		if m.Channel != channel || oldest != "" && !after(m.TS, oldest) || latest != "" && !after(latest, m.TS) {
			continue
		}
		found = append(found, m)
	}
	limit := min(max(in.number("limit", 100), 1), 999)
	from := max(in.number("cursor", 0), 0)
	from = min(from, len(found))
	to := min(from+limit, len(found))
	withMeta := in.flag("include_all_metadata")
	list := make([]map[string]any, 0, to-from)
	for _, m := range found[from:to] {
		list = append(list, m.json(withMeta))
	}
	next := ""
	if to < len(found) {
		next = strconv.Itoa(to)
	}
	return ok(map[string]any{"messages": list, "has_more": next != "",
		"response_metadata": map[string]any{"next_cursor": next}})
}

// compareTS orders two message timestamps ("1700000000.000100"): -1, 0 or
// 1. Parsed as seconds and fraction, not floats, which lose microseconds.
func compareTS(a, b string) int {
	as, af, _ := strings.Cut(a, ".")
	bs, bf, _ := strings.Cut(b, ".")
	ai, _ := strconv.ParseInt(as, 10, 64)
	bi, _ := strconv.ParseInt(bs, 10, 64)
	if c := cmp.Compare(ai, bi); c != 0 {
		return c
	}
	return strings.Compare((af + "000000")[:6], (bf + "000000")[:6])
}
