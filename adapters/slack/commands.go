package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/pipbot/pipbot/adapters/inbound"
	"net/http"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/slack-go/slack"
)

// serveCommand answers POST /slack/commands, the /pip slash command: verify,
// then answer within Slack's 3 s (see slashCommand).
func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, ok := a.readVerified(w, r)
	if !ok {
		return
	}
	sc, err := parseSlash(r.Context(), body)
	if err != nil {
		http.Error(w, "malformed body", http.StatusBadRequest)
		return
	}
	if ack := a.slashCommand(r.Context(), sc, start); ack != nil {
		writeJSON(w, ack)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// parseSlash reads a verified form body with slack-go's parser, which
// consumes a request, so it gets one made of the verified bytes.
func parseSlash(ctx context.Context, body []byte) (slack.SlashCommand, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/slack/commands", bytes.NewReader(body))
	if err != nil {
		return slack.SlashCommand{}, fmt.Errorf("slash command: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sc, err := slack.SlashCommandParse(req)
	if err != nil {
		return sc, fmt.Errorf("slash command: %w", err)
	}
	if sc.TeamID == "" || sc.UserID == "" || sc.TriggerID == "" {
		return sc, fmt.Errorf("slash command: %w: team, user or trigger missing", errMalformed)
	}
	return sc, nil
}

// slashCommand answers a slash command, over HTTP or Socket Mode; ack is
// the acknowledgment's body (nil: empty). The command is recorded (a replay
// of the same trigger_id has no effect) and run inline, so that a form the
// engine answers with opens as a modal within the trigger's 3 s. Plain text
// for a channel comes back in the acknowledgment, which only the asker
// sees; everything else is delivered after it.
func (a *Adapter) slashCommand(ctx context.Context, sc slack.SlashCommand, start time.Time) (ack any) {
	tenant := tenantOf(sc.TeamID)
	if ok, why := a.sameWorkspace(ctx, sc.TeamID, sc.TeamID); !ok {
		a.log.WarnContext(ctx, "slash command refused", "reason", why, "tenant", tenant, "user_id", sc.UserID)
		return ephemeralBody(msgNotAllowed.in(""))
	}
	raw, err := json.Marshal(uiPayload{Kind: kindCommand, Command: &sc})
	if err != nil {
		a.log.ErrorContext(ctx, "encode slash command", "tenant", tenant, "err", err)
		return ephemeralBody(msgBusy.in(""))
	}
	d := &bot.Delivery{Source: sourceUI, Tenant: tenant, Payload: raw, ReceivedAt: a.now(),
		Keys: []string{inbound.Key("slack:cmd:", sc.TeamID, sc.TriggerID)}}
	r, how := a.runInline(ctx, d, start)
	switch how {
	case inlineFailed:
		return ephemeralBody(msgBusy.in(""))
	case inlineDuplicate:
		return nil
	case inlineLate:
		return ephemeralBody(msgWorking.in(""))
	}
	if !r.ok {
		return nil
	}
	text := ackText(r)
	ectx := context.WithoutCancel(ctx)
	a.pipe.Background(func() { a.deliverResult(ectx, r, start.Add(a.tune.trigger), true) })
	if text == "" {
		return nil
	}
	return ephemeralBody(text)
}

// slashRequest is a recorded slash command as the engine's command. The
// text goes to the engine as "/pip …", which it takes as an explicit
// command even while a guided conversation waits for an answer.
func (a *Adapter) slashRequest(ctx context.Context, sc slack.SlashCommand) uiRequest {
	o := Origin{TeamID: sc.TeamID, ChannelID: sc.ChannelID, ChannelType: channelKindByName(sc.ChannelName, sc.ChannelID),
		UserID: sc.UserID, TriggerID: sc.TriggerID, ResponseURL: sc.ResponseURL}
	cmd := bot.Command{Platform: bot.PlatformSlack, Tenant: tenantOf(sc.TeamID), Actor: a.actor(ctx, sc.TeamID, sc.UserID),
		Chat: bot.Chat{ID: sc.ChannelID, Group: !o.DM()}, Text: slashText(sc.Text)}
	return uiRequest{cmd: cmd, o: o}
}

// channelKindByName is the kind of a channel a slash command or click came
// from: the payload names it ("directmessage", "privategroup", "mpdm-…")
// but has no channel_type. Unknown counts as a channel, where private
// content stays out.
func channelKindByName(name, id string) string {
	switch {
	case name == "directmessage" || strings.HasPrefix(id, "D"):
		return "im"
	case strings.HasPrefix(name, "mpdm-"):
		return "mpim"
	case name == "privategroup":
		return "group"
	}
	return "channel"
}

// newWords start a plan; from a slash command, which carries a trigger
// that can open a modal, a bare one asks for the one-form creation. Typing
// "new" in the DM still gives the step-by-step guide.
var newWords = map[string]bool{"new": true, "create": true, "新建": true, "创建": true}

// slashText is what the engine reads for "/pip TEXT": an explicit command
// (the leading "/" bypasses a guided conversation waiting for an answer).
func slashText(text string) string {
	text = strings.TrimSpace(text)
	if newWords[strings.ToLower(text)] {
		text += " form"
	}
	return strings.TrimSpace("/pip " + text)
}
