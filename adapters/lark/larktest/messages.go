package larktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Size limits of message content, in bytes.
const (
	maxCard = 30 << 10
	maxText = 150 << 10
)

// CardWindow is how long after sending a card can be updated (patch or
// delayed update) and interacted with; past it the platform answers 230031
// (更新应用发送的消息卡片: 仅支持更新 14 天内发送的消息).
const CardWindow = 14 * 24 * time.Hour

// message is a sent message and its current state.
type message struct {
	Message
	card     map[string]any // current card, after patches and updates
	recalled bool
}

// createMessage answers POST /open-apis/im/v1/messages.
func (s *Server) createMessage(r *http.Request, app string) reply {
	var in struct {
		ReceiveID string `json:"receive_id"`
		MsgType   string `json:"msg_type"`
		Content   string `json:"content"`
		UUID      string `json:"uuid"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return fail(http.StatusBadRequest, CodeBadRequest, "invalid request body")
	}
	idType := r.URL.Query().Get("receive_id_type")
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, ok := s.admit(now, s.appLimits(app, apiCreate)...); !ok {
		return rep
	}
	var recipient limit
	switch {
	case idType == "open_id" && strings.HasPrefix(in.ReceiveID, "ou_"):
		recipient = limit{key: "user:" + in.ReceiveID, n: s.ceilings.UserPerSecond, span: time.Second}
	case idType == "chat_id" && strings.HasPrefix(in.ReceiveID, "oc_"):
		recipient = limit{key: "chat:" + in.ReceiveID, n: s.ceilings.ChatPerSecond, span: time.Second}
	default:
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=invalid receive_id.")
	}
	if len(in.UUID) > 50 {
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=uuid longer than 50.")
	}
	m := Message{ReceiveIDType: idType, ReceiveID: in.ReceiveID, MsgType: in.MsgType, UUID: in.UUID, At: now}
	switch in.MsgType {
	case "interactive":
		card, rep, ok := parseCard(in.Content)
		if !ok {
			return rep
		}
		m.Card = card
	case "text":
		if len(in.Content) > maxText {
			return fail(http.StatusBadRequest, CodeTooLong, "The length of the message content reaches its limit.")
		}
		var t struct {
			Text *string `json:"text"`
		}
		if err := json.Unmarshal([]byte(in.Content), &t); err != nil || t.Text == nil {
			return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=invalid text content.")
		}
		m.Text = *t.Text
	case "file":
		key, rep, ok := s.fileContent(in.Content, app)
		if !ok {
			return rep
		}
		m.FileKey = key
	default:
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=unsupported msg_type.")
	}
	if in.UUID != "" {
		if old := s.uuids[app+"|"+in.UUID]; old != nil && now.Sub(old.At) < time.Hour {
			return success(messageData(old.Message))
		}
	}
	if rep, ok := s.admit(now, recipient); !ok {
		return rep
	}
	s.seq++
	m.ID = fmt.Sprintf("om_fake%08d", s.seq)
	if idType == "chat_id" {
		m.ChatID = in.ReceiveID
	} else {
		m.ChatID = "oc_p2p_" + strings.TrimPrefix(in.ReceiveID, "ou_")
	}
	sent := &message{Message: m, card: m.Card}
	s.msgs = append(s.msgs, sent)
	s.byID[m.ID] = sent
	if in.UUID != "" {
		s.uuids[app+"|"+in.UUID] = sent
	}
	return success(messageData(m))
}

// messageData is the data of a create answer.
func messageData(m Message) map[string]any {
	return map[string]any{
		"message_id": m.ID, "chat_id": m.ChatID, "msg_type": m.MsgType,
		"create_time": strconv.FormatInt(m.At.UnixMilli(), 10), "update_time": strconv.FormatInt(m.At.UnixMilli(), 10),
		"deleted": false, "updated": false,
		"sender": map[string]any{"id": "cli_fake", "id_type": "app_id", "sender_type": "app"},
	}
}

// patchMessage answers PATCH /open-apis/im/v1/messages/:message_id.
func (s *Server) patchMessage(r *http.Request, app string) reply {
	id := strings.TrimPrefix(r.URL.Path, "/open-apis/im/v1/messages/")
	var in struct {
		Content string `json:"content"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return fail(http.StatusBadRequest, CodeBadRequest, "invalid request body")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, ok := s.admit(now, s.appLimits(app, apiPatch)...); !ok {
		return rep
	}
	m := s.byID[id]
	switch {
	case m == nil:
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=invalid message_id.")
	case m.recalled:
		return fail(http.StatusBadRequest, CodeRecalled, "The message is recalled.")
	case now.Sub(m.At) > CardWindow:
		return fail(http.StatusBadRequest, CodeTooOld, "Message can only be modified within 14 days after sending.")
	case m.MsgType != "interactive" || !shared(m.card):
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=only shared cards (update_multi) can be patched.")
	}
	card, rep, ok := parseCard(in.Content)
	if !ok {
		return rep
	}
	if !shared(card) {
		return fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=the new card must set config.update_multi.")
	}
	per := limit{key: "msg:" + id, n: s.ceilings.PatchPerMsg, span: time.Second}
	if len(s.recent(per, now)) >= per.n {
		return fail(http.StatusBadRequest, CodeFrequency, "This operation triggers the frequency limit.")
	}
	s.windows[per.key] = append(s.windows[per.key], now)
	m.card = card
	s.patches = append(s.patches, Patch{MessageID: id, Card: card, At: now})
	return success(map[string]any{})
}

// parseCard checks a card sent as a JSON string: at most 30 KB as the
// request body carries it (the escaped string), an object, schema 2.0, a
// config of known attributes only (JSON 2.0 refuses unknown ones).
func parseCard(content string) (map[string]any, reply, bool) {
	if escapedLen(content) > maxCard {
		return nil, fail(http.StatusBadRequest, CodeTooLong, "The length of the message content reaches its limit."), false
	}
	var card map[string]any
	if err := json.Unmarshal([]byte(content), &card); err != nil || card == nil {
		return nil, fail(http.StatusBadRequest, CodeBadRequest, "Your request contains an invalid request parameter, ext=content is not a JSON object."), false
	}
	if card["schema"] != "2.0" {
		return nil, fail(http.StatusBadRequest, CodeCardInvalid, "Failed to create card content, ext=card schema must be 2.0."), false
	}
	if problem := checkConfig(card["config"]); problem != "" {
		return nil, fail(http.StatusBadRequest, CodeCardInvalid, "Failed to create card content, ext="+problem+"."), false
	}
	if n := Components(card); n > MaxComponents {
		return nil, fail(http.StatusBadRequest, CodeCardInvalid, fmt.Sprintf(
			"Failed to create card content, ext=ErrCode: %d; ErrMsg: element exceeds the limit; ErrorValue: %d elements; ", CodeElementLimit, n)), false
	}
	return card, reply{}, true
}

// configAttrs are the attributes of a JSON 2.0 card's config and whether
// each is a Boolean (卡片 JSON 2.0 结构,
// https://open.feishu.cn/document/feishu-cards/card-json-v2-structure).
var configAttrs = map[string]bool{
	"streaming_mode": true, "streaming_config": false, "summary": false, "locales": false,
	"enable_forward": true, "update_multi": true, "width_mode": false,
	"use_custom_translation": true, "enable_forward_interaction": true, "style": false,
}

// checkConfig says what is wrong with a card's config, "" when nothing.
func checkConfig(v any) string {
	if v == nil {
		return ""
	}
	cfg, isObject := v.(map[string]any)
	if !isObject {
		return "config must be an object"
	}
	for k, val := range cfg {
		boolean, known := configAttrs[k]
		if !known {
			return "unknown config attribute " + k
		}
		if _, isBool := val.(bool); boolean && !isBool {
			return "config attribute " + k + " must be a boolean"
		}
	}
	return ""
}

// shared reports whether a card sets config.update_multi, which updating it
// requires.
func shared(card map[string]any) bool {
	cfg, _ := card["config"].(map[string]any)
	return cfg["update_multi"] == true
}

// escapedLen is the length of s as a JSON string in a request body, quotes
// and escapes included.
func escapedLen(s string) int {
	b, _ := json.Marshal(s)
	return len(b)
}
