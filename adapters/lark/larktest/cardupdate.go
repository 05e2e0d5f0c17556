package larktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Delayed-update token rules: valid 30 minutes, usable twice.
const (
	tokenLife = 30 * time.Minute
	tokenUses = 2
)

// cardToken is a delayed-update token handed out with a card callback.
type cardToken struct {
	messageID string
	issued    time.Time
	uses      int
}

// CardToken issues the delayed-update token the platform puts in a
// card.action.trigger callback for a click on messageID (event.token).
func (s *Server) CardToken(messageID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	tok := fmt.Sprintf("c-fake%08d", s.seq)
	s.tokens[tok] = &cardToken{messageID: messageID, issued: s.now()}
	return tok
}

// updateCard answers POST /open-apis/interactive/v1/card/update, the
// delayed update of a clicked card by its callback token.
func (s *Server) updateCard(r *http.Request, app string) reply {
	var in struct {
		Token string          `json:"token"`
		Card  json.RawMessage `json:"card"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return fail(http.StatusBadRequest, CodeBadRequest, "invalid request body")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, ok := s.admit(now, s.appLimits(app, apiCardUpdate)...); !ok {
		return rep
	}
	t := s.tokens[in.Token]
	switch {
	case t == nil:
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=invalid token.")
	case now.Sub(t.issued) > tokenLife:
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=token expired.")
	case t.uses >= tokenUses:
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=token used up.")
	}
	card, rep, ok := parseCard(string(in.Card))
	if !ok {
		return rep
	}
	m := s.byID[t.messageID]
	switch {
	case m == nil:
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=invalid message_id.")
	case m.recalled:
		return fail(http.StatusBadRequest, CodeRecalled, "The message is recalled.")
	case now.Sub(m.At) > CardWindow:
		return fail(http.StatusBadRequest, CodeTooOld, "Message can only be modified within 14 days after sending.")
	}
	t.uses++
	m.card = card
	s.updates = append(s.updates, CardUpdate{Token: in.Token, MessageID: t.messageID, Card: card, At: now})
	return reply{status: http.StatusOK, body: map[string]any{"code": 0, "msg": "success"}}
}

// Recall marks a message recalled: patching or updating it then fails with
// 230011.
func (s *Server) Recall(messageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.byID[messageID]; m != nil {
		m.recalled = true
	}
}

// LoseNextResponses makes the next n calls of api ("create", "patch" or
// "card_update") take effect but never answer, as when a response is lost:
// the client times out and retries.
func (s *Server) LoseNextResponses(api string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stall[api] += n
}

// takeStall reports whether this call's answer is to be lost.
func (s *Server) takeStall(api string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stall[api] > 0 {
		s.stall[api]--
		return true
	}
	return false
}
