package slack

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/export"
	"github.com/pipbot/pipbot/bot"
)

// A message with trend charts (a plan card) is delivered as usual, with
// its text bars, which Block Kit shows in place of the charts; then each
// chart is drawn as a PNG (chartpng.go) and the images are shared in the
// reader's DM with the external upload, as exports are: the DM and only
// the DM, whether the card was answered there, ephemerally in a channel
// or posted to the reader. A message bound for a channel (no reader)
// shares no chart. The charts are an extra: when they cannot be shared
// the card still counts as delivered, and the failure is logged.

// What Slack takes: an image's alternative text, a file's title (kept to
// one line), the comment shared with the files.
const (
	maxAltText = 1000
	maxTitle   = 250
	maxComment = 4000
)

// deliverWithCharts sends r without its charts, then shares them in the
// DM of the reader it was sent to.
func (s *Sender) deliverWithCharts(ctx context.Context, o Origin, r bot.Reply, key string) (string, error) {
	charts := bot.ChartsOf(r.Message)
	title := r.Message.Title
	r.Message = bot.WithoutCharts(r.Message)
	ts, err := s.deliver(ctx, o, r, key)
	if err != nil {
		return ts, err
	}
	w, err := destination(o, r)
	if err != nil || w.reader == "" || r.Chat != "" {
		return ts, nil // a channel's message: no chart goes there
	}
	if err := s.shareCharts(ctx, o, w.reader, key, title, charts); err != nil {
		s.log.Warn("trend charts not shared", "tenant", tenantOf(o.TeamID), "user_id", w.reader, "event_id", o.EventID, "err", err)
	}
	return ts, nil
}

// shareCharts uploads one PNG per chart and shares them together in
// user's DM, with the card's title, the legend and each chart as text for
// a comment. Shared once under key, as an export.
func (s *Sender) shareCharts(ctx context.Context, o Origin, user, key, title string, charts []bot.Chart) error {
	api, supported := s.api.(fileAPI)
	if !supported {
		return errors.New("the client cannot upload files")
	}
	channel, _, err := s.dmChannel(ctx, o.TeamID, user)
	if err != nil {
		return err
	}
	summaries := make([]slack.FileSummary, 0, len(charts))
	for _, c := range charts {
		data, err := chartPNG(c)
		if err != nil {
			return err
		}
		f := export.File{Name: "trend-" + strconv.Itoa(c.Goal) + ".png", MIME: "image/png", Data: data}
		id, err := s.uploadFile(ctx, api, o.TeamID, f, clipRunes(c.Alt, maxAltText))
		if err != nil {
			return err
		}
		summaries = append(summaries, slack.FileSummary{ID: id, Title: clipRunes(c.Title, maxTitle)})
	}
	if key != "" && s.begun(ctx, o.TeamID, key+":charts") {
		s.log.Info("trend charts already shared, not sharing them again", "tenant", tenantOf(o.TeamID), "user_id", user, "event_id", o.EventID)
		return nil
	}
	return s.repeat(ctx, "complete upload", s.methodBucket(o.TeamID, "files.completeUploadExternal", s.pace.Ephemeral),
		func(ctx context.Context) error {
			_, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
				Files: summaries, Channel: channel, InitialComment: chartComment(title, charts)})
			return err
		})
}

// chartComment is the text shared with the images: the card's title, what
// each line is, and every chart as text, for whoever cannot see images.
func chartComment(title string, charts []bot.Chart) string {
	lines := []string{"📈 " + title}
	if c := charts[0]; c.ValueName != "" {
		lines = append(lines, "🔵 "+c.ValueName+" · 🔴 "+c.TargetName+" · ⚪ "+c.BaselineName)
	}
	for _, c := range charts {
		lines = append(lines, c.Alt)
	}
	return clipRunes(strings.Join(lines, "\n"), maxComment)
}

// clipRunes cuts s to n runes, marking the cut.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
