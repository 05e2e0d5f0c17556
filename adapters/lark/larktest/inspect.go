package larktest

import "time"

// Message is a message as the fake received it.
type Message struct {
	ID            string
	ReceiveIDType string // "open_id" or "chat_id"
	ReceiveID     string
	ChatID        string         // the group, or a p2p chat id made up for a user
	MsgType       string         // "interactive", "text" or "file"
	Card          map[string]any // the card as sent (interactive)
	Text          string         // the text (text)
	FileKey       string         // the uploaded file (file); see Server.Upload
	UUID          string
	At            time.Time
}

// Patch is a card replaced through PATCH /im/v1/messages/:message_id.
type Patch struct {
	MessageID string
	Card      map[string]any
	At        time.Time
}

// CardUpdate is a card replaced through the delayed update by token.
type CardUpdate struct {
	Token     string
	MessageID string
	Card      map[string]any
	At        time.Time
}

// Messages lists the messages created, oldest first. A create answered
// from the uuid window is not listed twice.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = m.Message
	}
	return out
}

// Patches lists the successful patches, oldest first.
func (s *Server) Patches() []Patch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Patch(nil), s.patches...)
}

// CardUpdates lists the successful delayed updates, oldest first.
func (s *Server) CardUpdates() []CardUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CardUpdate(nil), s.updates...)
}

// Card is the card a message shows now, after patches and updates.
func (s *Server) Card(messageID string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[messageID]
	if m == nil || m.card == nil {
		return nil, false
	}
	return m.card, true
}

// Count429 is how many requests were refused with HTTP 429.
func (s *Server) Count429() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count429
}

// Expired reports whether messageID was sent more than CardWindow ago by
// the server's clock: the platform no longer lets anyone update it or
// interact with it.
func (s *Server) Expired(messageID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[messageID]
	return m != nil && s.now().Sub(m.At) > CardWindow
}
