package slacktest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// message is a posted message and its current content.
type message struct {
	Message
	text   string
	blocks json.RawMessage
}

// postMessage answers chat.postMessage: a channel the bot may post in (a
// user id posts in the user's DM), text or blocks, optional metadata and
// thread_ts; paced per channel and per workspace.
func (s *Server) postMessage(in request) reply {
	text, blocks, meta, rep, valid := content(in)
	if !valid {
		return rep
	}
	if text == "" && blocks == nil {
		return fail("no_text")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	channel, code := s.resolve(in.get("channel"))
	if code != "" {
		return fail(code)
	}
	now := s.now()
	if rep, admitted := s.admitPost(channel, now); !admitted {
		return rep
	}
	m := &message{Message: Message{Channel: channel, TS: s.nextTS(now), Text: text, Blocks: blocks,
		Metadata: meta, ThreadTS: in.get("thread_ts"), At: now}, text: text, blocks: blocks}
	s.msgs = append(s.msgs, m)
	s.byTS[channel+"|"+m.TS] = m
	return ok(map[string]any{"channel": channel, "ts": m.TS, "message": m.json(true)})
}

// postEphemeral answers chat.postEphemeral: shown to one user in a
// channel, kept nowhere (conversations.history never lists it).
func (s *Server) postEphemeral(in request) reply {
	text, blocks, _, rep, valid := content(in)
	if !valid {
		return rep
	}
	if text == "" && blocks == nil {
		return fail("no_text")
	}
	user := in.get("user")
	s.mu.Lock()
	defer s.mu.Unlock()
	channel, code := s.resolve(in.get("channel"))
	if code != "" {
		return fail(code)
	}
	if _, known := s.users[user]; user == "" || (len(s.users) > 0 && !known) {
		return fail("user_not_found")
	}
	now := s.now()
	if rep, admitted := s.admit("chat.postEphemeral", now); !admitted {
		return rep
	}
	e := Ephemeral{Channel: channel, User: user, TS: s.nextTS(now), Text: text, Blocks: blocks, At: now}
	s.ephemerals = append(s.ephemerals, e)
	return ok(map[string]any{"message_ts": e.TS})
}

// chatUpdate answers chat.update: the message channel+ts must exist.
func (s *Server) chatUpdate(in request) reply {
	text, blocks, _, rep, valid := content(in)
	if !valid {
		return rep
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rep, admitted := s.admit("chat.update", now); !admitted {
		return rep
	}
	channel, code := s.resolve(in.get("channel"))
	if code != "" {
		return fail(code)
	}
	m := s.byTS[channel+"|"+in.get("ts")]
	if m == nil {
		return fail("message_not_found")
	}
	if text == "" && blocks == nil {
		return fail("no_text")
	}
	m.text, m.blocks = text, blocks
	s.updates = append(s.updates, Update{Channel: channel, TS: m.TS, Text: text, Blocks: blocks, At: now})
	return ok(map[string]any{"channel": channel, "ts": m.TS, "text": text})
}

// content reads a message's text, blocks and metadata, or the error answer
// for malformed ones.
func content(in request) (text string, blocks json.RawMessage, meta *Metadata, rep reply, valid bool) {
	text = in.get("text")
	if raw := in.raw("blocks"); raw != nil {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil {
			return "", nil, nil, fail("invalid_blocks"), false
		}
		if rep, valid := checkBlocks(raw, MaxMessageBlocks, "invalid_blocks", "/blocks"); !valid {
			return "", nil, nil, rep, false
		}
		if len(list) > 0 {
			blocks = raw
		}
	}
	if raw := in.raw("metadata"); raw != nil {
		meta = &Metadata{}
		if json.Unmarshal(raw, meta) != nil || meta.EventType == "" {
			return "", nil, nil, fail("invalid_metadata_format"), false
		}
	}
	return text, blocks, meta, reply{}, true
}

// resolve is the channel a post goes to, or Slack's error code: an opened
// DM, a user's DM (opened on the way), or a channel the bot is in.
// Callers hold s.mu.
func (s *Server) resolve(id string) (string, string) {
	switch {
	case id == "":
		return "", "channel_not_found"
	case strings.HasPrefix(id, "D"):
		for _, dm := range s.dms {
			if dm == id {
				return id, ""
			}
		}
		return "", "channel_not_found"
	case strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W"):
		if _, known := s.users[id]; len(s.users) > 0 && !known {
			return "", "channel_not_found"
		}
		return s.dm(id), ""
	case strings.HasPrefix(id, "C") || strings.HasPrefix(id, "G"):
		if len(s.channels) > 0 && !s.channels[id] {
			return "", "not_in_channel"
		}
		return id, ""
	}
	return "", "channel_not_found"
}

// dm is the DM channel of the bot and user, the same on every call.
// Callers hold s.mu.
func (s *Server) dm(user string) string {
	if id, found := s.dms[user]; found {
		return id
	}
	id := fmt.Sprintf("D%08d", len(s.dms)+1)
	s.dms[user] = id
	return id
}

// nextTS is a message timestamp at now, unique and increasing.
// Callers hold s.mu.
func (s *Server) nextTS(now time.Time) string {
	if !now.After(s.lastTS) {
		now = s.lastTS.Add(time.Microsecond)
	}
	s.lastTS = now
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

// json is the message as Slack returns it, metadata included or not.
func (m *message) json(withMeta bool) map[string]any {
	out := map[string]any{"type": "message", "user": BotUserID, "bot_id": BotID, "text": m.text, "ts": m.TS}
	if m.blocks != nil {
		out["blocks"] = m.blocks
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if withMeta && m.Metadata != nil {
		out["metadata"] = m.Metadata
	}
	return out
}
