package slacktest

import (
	"encoding/json"
	"time"
)

// Metadata is a message's metadata as posted.
type Metadata struct {
	EventType    string         `json:"event_type"`
	EventPayload map[string]any `json:"event_payload"`
}

// Message is a message as chat.postMessage received it.
type Message struct {
	Channel  string
	TS       string
	Text     string          // top-level text (notifications)
	Blocks   json.RawMessage // the blocks array, nil without blocks
	Metadata *Metadata
	ThreadTS string
	At       time.Time
}

// Ephemeral is a message chat.postEphemeral showed to one user.
type Ephemeral struct {
	Channel string
	User    string
	TS      string
	Text    string
	Blocks  json.RawMessage
	At      time.Time
}

// Update is a message replaced through chat.update.
type Update struct {
	Channel string
	TS      string
	Text    string
	Blocks  json.RawMessage
	At      time.Time
}

// View is a modal opened (Op "open") or replaced (Op "update").
type View struct {
	ID              string
	Op              string
	TriggerID       string // for "open"
	UserID          string // whose trigger opened it
	Type            string
	CallbackID      string
	ExternalID      string
	PrivateMetadata string
	Hash            string
	JSON            json.RawMessage // the view as sent
	At              time.Time
}

// HomeView is an App Home tab published for a user.
type HomeView struct {
	UserID string
	JSON   json.RawMessage
	At     time.Time
}

// Messages lists the posted messages, oldest first, as posted.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = m.Message
	}
	return out
}

// Current is the message channel+ts as it shows now, after updates.
func (s *Server) Current(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byTS[channel+"|"+ts]
	if m == nil {
		return Message{}, false
	}
	cur := m.Message
	cur.Text, cur.Blocks = m.text, m.blocks
	return cur, true
}

// Ephemerals lists the ephemeral messages, oldest first.
func (s *Server) Ephemerals() []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ephemeral(nil), s.ephemerals...)
}

// Updates lists the successful chat.update calls, oldest first.
func (s *Server) Updates() []Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Update(nil), s.updates...)
}

// Views lists the modals opened and updated, oldest first.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

// HomeViews lists the App Home tabs published, oldest first.
func (s *Server) HomeViews() []HomeView {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]HomeView(nil), s.homes...)
}

// DM is the DM channel of the bot and user, if one was opened.
func (s *Server) DM(user string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, found := s.dms[user]
	return id, found
}

// OpenDM opens the DM of the bot and user without a call, as if they had
// talked before the test, and returns its id.
func (s *Server) OpenDM(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dm(user)
}

// Count429 is how many calls were refused with HTTP 429.
func (s *Server) Count429() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count429
}

// Calls is how many requests method received, answered or refused.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// count notes a request of method.
func (s *Server) count(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
}

// LoseNextResponses makes the next n successful calls of method take
// effect without answering: the client waits until it gives up, as when
// a connection drops after Slack acted.
func (s *Server) LoseNextResponses(method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose[method] += n
}

// takeLoss reports whether this answer of method is to be lost.
func (s *Server) takeLoss(method string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lose[method] <= 0 {
		return false
	}
	s.lose[method]--
	return true
}
