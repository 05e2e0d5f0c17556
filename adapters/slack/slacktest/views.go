package slacktest

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// triggerLife is how long a trigger id can open a view.
const triggerLife = 3 * time.Second

// trigger is a trigger id the fake handed out, as Slack does with a click
// or a slash command.
type trigger struct {
	user string
	at   time.Time
	used bool
}

// Trigger mints a trigger id for userID, as if they had clicked a button
// or typed a slash command now: it opens one view within 3 s.
func (s *Server) Trigger(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	now := s.now()
	id := fmt.Sprintf("%d.%d.%08x", now.Unix(), s.seq, uint32(s.seq)*2654435761)
	s.triggers[id] = &trigger{user: userID, at: now}
	return id
}

// viewsOpen answers views.open: a known trigger id, unused and at most 3 s
// old, and a modal.
func (s *Server) viewsOpen(in request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, admitted := s.admit("views.open", now); !admitted {
		return rep
	}
	t := s.triggers[in.get("trigger_id")]
	switch {
	case t == nil:
		return fail("invalid_trigger_id")
	case t.used:
		return fail("exchanged_trigger_id")
	case now.Sub(t.at) > triggerLife:
		return fail("expired_trigger_id")
	}
	v, view, rep, valid := s.readView(in, now)
	if !valid {
		return rep
	}
	if v.Type != "modal" {
		return fail("invalid_arguments")
	}
	t.used = true
	s.seq++
	v.ID, v.Op, v.TriggerID, v.UserID = fmt.Sprintf("V%08d", s.seq), "open", in.get("trigger_id"), t.user
	return s.keepView(v, view)
}

// viewsUpdate answers views.update: an open view by view_id or
// external_id; a hash, when given, must be the view's current one.
func (s *Server) viewsUpdate(in request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, admitted := s.admit("views.update", now); !admitted {
		return rep
	}
	var cur *View
	for _, v := range s.viewByID {
		if id, ext := in.get("view_id"), in.get("external_id"); (id != "" && v.ID == id) || (ext != "" && v.ExternalID == ext) {
			cur = v
		}
	}
	switch {
	case cur == nil:
		return fail("not_found")
	case in.get("hash") != "" && in.get("hash") != cur.Hash:
		return fail("hash_conflict")
	}
	v, view, rep, valid := s.readView(in, now)
	if !valid {
		return rep
	}
	v.ID, v.Op, v.UserID = cur.ID, "update", cur.UserID
	return s.keepView(v, view)
}

// viewsPublish answers views.publish: a user and a home tab view.
func (s *Server) viewsPublish(in request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, admitted := s.admit("views.publish", now); !admitted {
		return rep
	}
	user := in.get("user_id")
	if _, known := s.users[user]; user == "" || (len(s.users) > 0 && !known) {
		return fail("user_not_found")
	}
	v, view, rep, valid := s.readView(in, now)
	if !valid {
		return rep
	}
	if v.Type != "home" {
		return fail("invalid_arguments")
	}
	s.homes = append(s.homes, HomeView{UserID: user, JSON: v.JSON, At: now})
	view["id"], view["hash"] = "VH"+user, v.Hash
	return ok(map[string]any{"view": view})
}

// readView decodes the request's view and gives it a fresh hash.
// Callers hold s.mu.
func (s *Server) readView(in request, now time.Time) (View, map[string]any, reply, bool) {
	raw := in.raw("view")
	var view map[string]any
	if raw == nil || json.Unmarshal(raw, &view) != nil {
		return View{}, nil, fail("invalid_arguments"), false
	}
	str := func(k string) string { v, _ := view[k].(string); return v }
	var blocks struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	_ = json.Unmarshal(raw, &blocks)
	if blocks.Blocks != nil {
		if rep, valid := checkBlocks(blocks.Blocks, MaxViewBlocks, "invalid_arguments", "/view/blocks"); !valid {
			return View{}, nil, rep, false
		}
	}
	if utf8.RuneCountInString(str("private_metadata")) > maxMetadata {
		return View{}, nil, refuse("invalid_arguments", fmt.Sprintf("must be less than %d characters", maxMetadata+1), "/view/private_metadata"), false
	}
	s.seq++
	v := View{Type: str("type"), CallbackID: str("callback_id"), ExternalID: str("external_id"),
		PrivateMetadata: str("private_metadata"), Hash: fmt.Sprintf("%d.%08d", now.Unix(), s.seq), JSON: raw, At: now}
	return v, view, reply{}, true
}

// keepView records v and answers with the view as Slack does.
// Callers hold s.mu.
func (s *Server) keepView(v View, view map[string]any) reply {
	s.views = append(s.views, v)
	cur := v
	s.viewByID[v.ID] = &cur
	view["id"], view["hash"], view["team_id"] = v.ID, v.Hash, TeamID
	view["state"] = map[string]any{"values": map[string]any{}}
	return ok(map[string]any{"view": view})
}
