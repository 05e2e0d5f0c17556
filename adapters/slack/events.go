package slack

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/pipbot/pipbot/bot"
)

// Inbox sources: events are handled by the worker; slash commands, clicks
// and submissions inline, by the request that brought them, and by the
// worker only when that request could not (another replica claimed it, or
// the process died meanwhile).
const (
	sourceEvents = "slack"
	sourceUI     = "slack-ui"
)

// Event types the adapter reads.
const (
	eventMessage   = "message"
	eventMention   = "app_mention"
	eventHomeOpen  = "app_home_opened"
	typeCallback   = "event_callback"
	typeURLVerify  = "url_verification"
	typeRateLimits = "app_rate_limited"
)

// errMalformed answers 400: a verified body that is not what the endpoint takes.
var errMalformed = errors.New("malformed body")

// eventEnvelope is the part of an Events API body the adapter reads. Its
// own reading, rather than slackevents.ParseEvent, so that an inner event
// slack-go does not know never costs the envelope.
type eventEnvelope struct {
	Type      string     `json:"type"`
	Challenge string     `json:"challenge"`
	TeamID    string     `json:"team_id"`
	EventID   string     `json:"event_id"`
	Event     innerEvent `json:"event"`
}

// innerEvent is the part of message, app_mention and app_home_opened the
// adapter reads.
type innerEvent struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	TS          string `json:"ts"`
	ClientMsgID string `json:"client_msg_id"`
	Tab         string `json:"tab"`       // app_home_opened: "home" or "messages"
	Team        string `json:"team"`      // the author's workspace
	UserTeam    string `json:"user_team"` // the same, in Slack Connect channels
}

func parseEnvelope(body []byte) (eventEnvelope, error) {
	var env eventEnvelope
	if b := bytes.TrimSpace(body); len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &env) != nil {
		return env, errMalformed
	}
	return env, nil
}

// serveEvents answers POST /slack/events: verify, then echo a challenge, or
// record an event and acknowledge it once it is durable. A failed write
// answers 500, so Slack retries; a duplicate (a retry, or a redelivery under
// a new event_id) answers 200 and has no effect, and so does an event of a
// workspace the app is not installed in (see accept).
func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readVerified(w, r)
	if !ok {
		return
	}
	env, err := parseEnvelope(body)
	if err != nil {
		http.Error(w, "malformed body", http.StatusBadRequest)
		return
	}
	switch env.Type {
	case typeURLVerify:
		writeJSON(w, map[string]string{"challenge": env.Challenge})
		return
	case typeRateLimits:
		a.log.WarnContext(r.Context(), "Slack is rate-limiting events to this app", "tenant", tenantOf(env.TeamID))
	case typeCallback:
		if err := a.accept(r.Context(), env, body, r.Header.Get(headerRetryNum)); err != nil {
			a.log.ErrorContext(r.Context(), "record event", "tenant", tenantOf(env.TeamID),
				"event_id", env.EventID, "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// accept records an event the bot must handle and returns once it is
// durable, so Slack may be acknowledged; other events are only noted. An
// error means Slack must be told to retry (HTTP 500, or no Socket Mode
// ack).
//
// An event whose team_id is not the installed workspace is refused first,
// as a slash command or click of another workspace is (sameWorkspace): it
// never reaches the inbox or the engine, and nothing is made for that
// tenant; one log line without the event's text says so. It is still
// acknowledged (HTTP 200, or the Socket Mode ack), as those refusals
// answer 200: the request is genuine, a retry would be refused alike, and
// failed deliveries count toward Slack disabling the app's event
// subscription. When the installed workspace cannot be learned, the event
// is not acknowledged, so Slack delivers it again later, rather than
// being dropped or let through.
func (a *Adapter) accept(ctx context.Context, env eventEnvelope, raw []byte, retry string) error {
	ev := env.Event
	switch ok, err := a.installed(ctx, env.TeamID); {
	case err != nil:
		return fmt.Errorf("%s event %s: %w", ev.Type, env.EventID, err)
	case !ok:
		a.log.WarnContext(ctx, "event of another workspace refused", "team_id", env.TeamID,
			"event_id", env.EventID, "event_type", ev.Type)
		return nil
	}
	keys := []string{}
	if env.EventID != "" {
		keys = append(keys, "slack:ev:"+env.EventID)
	}
	switch {
	case ev.Type == eventHomeOpen:
		if ev.Tab != "home" || ev.User == "" {
			return nil
		}
	case !a.wanted(ctx, env):
		return nil
	default:
		// One message may come as message.im and app_mention, or again under
		// a new event_id (node-slack-sdk #2141): its channel and ts say it is
		// the same.
		for _, id := range []string{ev.TS, ev.ClientMsgID} {
			if id != "" && ev.Channel != "" {
				keys = append(keys, "slack:msg:"+ev.Channel+":"+id)
			}
		}
	}
	if len(keys) == 0 {
		a.log.WarnContext(ctx, "event without ids", "tenant", tenantOf(env.TeamID))
		return nil
	}
	d := &bot.Delivery{Source: sourceEvents, Tenant: tenantOf(env.TeamID), Keys: keys,
		Payload: raw, ReceivedAt: a.now()}
	fresh, err := a.pipe.Record(ctx, d)
	if err != nil {
		return fmt.Errorf("%s event %s: %w", ev.Type, env.EventID, err)
	}
	if !fresh {
		a.log.InfoContext(ctx, "duplicate event", "tenant", d.Tenant, "event_id", env.EventID, "retry", retry)
	}
	return nil
}

// userSubtypes are the message subtypes a person typed: plain, with a
// file, or a thread reply sent to the channel too. Edits (message_changed),
// deletions, joins and the rest are not commands.
var userSubtypes = map[string]bool{"": true, "file_share": true, "thread_broadcast": true}

// wanted reports whether a message or mention is meant for the bot: a
// person's message in a DM with the bot, or a mention of it. Messages from
// bots (the bot's own included), edits, joins and other subtypes are not;
// nor a message by a user of another workspace (Slack Connect).
func (a *Adapter) wanted(ctx context.Context, env eventEnvelope) bool {
	ev := env.Event
	if ev.BotID != "" || !userSubtypes[ev.Subtype] || ev.User == "" {
		return false
	}
	if team := cmp.Or(ev.UserTeam, ev.Team); team != "" && team != env.TeamID {
		a.log.InfoContext(ctx, "message from another workspace ignored", "tenant", tenantOf(env.TeamID),
			"event_id", env.EventID)
		return false
	}
	if w, _ := a.self.get(ctx, a.ident); w.BotUserID != "" && ev.User == w.BotUserID {
		return false
	}
	switch ev.Type {
	case eventMessage:
		return ev.ChannelType == "im"
	case eventMention:
		return true
	}
	return false
}

// writeJSON answers 200 with v as JSON.
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
