package slack

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// TestLongReplyGoesAsSeveralMessages: a reply of more blocks than a Slack
// message takes reaches the fake, which refuses more than 50, as several
// messages holding every paragraph; sent again under the same key, none
// is posted twice.
func TestLongReplyGoesAsSeveralMessages(t *testing.T) {
	o := newOutbound(t, []slacktest.Option{slacktest.WithScale(50)},
		func(opts *SenderOptions) { opts.Pace = DefaultPace().Scale(50) })
	r := bot.Reply{To: "U1", Private: true, Key: "plan:12:card", Message: bot.Message{Title: "Plan #12"}}
	for i := range 120 {
		r.Message.Blocks = append(r.Message.Blocks, bot.Text{Body: "goal " + strconv.Itoa(i)})
	}
	for range 2 {
		if _, err := o.snd.Send(outCtx, slacktest.TeamID, r); err != nil {
			t.Fatal(err)
		}
	}
	msgs := o.fake.Messages()
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want 3", len(msgs))
	}
	var all strings.Builder
	for _, m := range msgs {
		var blocks []json.RawMessage
		if err := json.Unmarshal(m.Blocks, &blocks); err != nil || len(blocks) > slacktest.MaxMessageBlocks {
			t.Fatalf("%d blocks (%v)", len(blocks), err)
		}
		all.Write(m.Blocks)
	}
	for i := range 120 {
		if !strings.Contains(all.String(), `"goal `+strconv.Itoa(i)+`"`) {
			t.Errorf("goal %d was not sent", i)
		}
	}
}
