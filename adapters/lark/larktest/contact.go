package larktest

import (
	"net/http"
	"strings"
)

// User is a person the fake contact API knows, with the fields of the
// contact v3 user the adapter reads. The API has no language field; the
// time zone is the closest it comes to a preference.
type User struct {
	OpenID       string
	Name         string
	EnName       string
	LeaderOpenID string // leader_user_id, as an open_id
	TimeZone     string // IANA zone, e.g. "Asia/Shanghai"
	Email        string
}

// SetUser adds or replaces a person of the directory.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.OpenID] = u
}

// getUser answers GET /open-apis/contact/v3/users/:user_id. Only
// user_id_type=open_id (the default) is supported; leader_user_id comes
// back in the same id type.
func (s *Server) getUser(r *http.Request, _ string) reply {
	id := strings.TrimPrefix(r.URL.Path, "/open-apis/contact/v3/users/")
	if t := r.URL.Query().Get("user_id_type"); t != "" && t != "open_id" {
		return fail(http.StatusBadRequest, 99992402, "field validation failed, ext=only user_id_type=open_id is faked")
	}
	s.mu.Lock()
	u, known := s.users[id]
	s.mu.Unlock()
	if !known {
		return fail(http.StatusBadRequest, CodeNoUserAuthority, "no user authority error")
	}
	user := map[string]any{
		"open_id": u.OpenID, "union_id": "on_" + strings.TrimPrefix(u.OpenID, "ou_"),
		"name": u.Name, "en_name": u.EnName, "email": u.Email,
		"leader_user_id": u.LeaderOpenID, "time_zone": u.TimeZone,
		"status": map[string]any{"is_frozen": false, "is_resigned": false, "is_activated": true, "is_exited": false, "is_unjoin": false},
	}
	return success(map[string]any{"user": user})
}

// SetChat records a chat and its mode ("p2p", "group" or "topic") for the
// chat API. Chats messages were sent to are known already: chat ids as
// groups, users' one-to-one chats as p2p.
func (s *Server) SetChat(chatID, mode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats[chatID] = mode
}

// getChat answers GET /open-apis/im/v1/chats/:chat_id with its chat_mode.
func (s *Server) getChat(r *http.Request, _ string) reply {
	id := strings.TrimPrefix(r.URL.Path, "/open-apis/im/v1/chats/")
	s.mu.Lock()
	defer s.mu.Unlock()
	mode := s.chats[id]
	if mode == "" {
		for _, m := range s.msgs {
			if m.ChatID == id {
				mode = "group"
				if m.ReceiveIDType == "open_id" {
					mode = "p2p"
				}
			}
		}
	}
	if mode == "" {
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=invalid chat_id.")
	}
	data := map[string]any{"chat_id": id, "chat_mode": mode, "name": ""}
	if mode != "p2p" {
		data["chat_type"] = "private"
	}
	return success(data)
}
