package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/pipbot/pipbot/adapters/export"
	"github.com/pipbot/pipbot/bot"
)

// A reply with a file (an export) goes to its reader's DM, always: Slack
// cannot show a file ephemerally, and a channel never gets one. Each file
// takes Slack's external upload: files.getUploadURLExternal, the bytes
// POSTed to the URL it gives, then files.completeUploadExternal with
// channel_id the DM and the reply's text as initial_comment.

// ErrFileToChannel: a file aimed at a channel; nothing is uploaded.
var ErrFileToChannel error = &sendError{op: "route", err: errors.New("a file is never posted to a channel")}

// fileAPI is the SDK's external upload, which only files use. Both of its
// Web API methods are Tier 4, paced like chat.postEphemeral.
type fileAPI interface {
	GetUploadURLExternalContext(ctx context.Context, params slack.GetUploadURLExternalParameters) (*slack.GetUploadURLExternalResponse, error)
	UploadToURL(ctx context.Context, params slack.UploadToURLParameters) error
	CompleteUploadExternalContext(ctx context.Context, params slack.CompleteUploadExternalParameters) (*slack.CompleteUploadExternalResponse, error)
}

// deliverFile sends r's files, with its text, to the DM of its reader: r.To,
// or whoever asked. Slack keeps no key for an upload; an uploaded file
// nobody completed stays private and shared nowhere, so uploading again is
// harmless, and sharing is marked under key first (Sent): a Deliver run
// again shares the file at most once. Refusals share nothing.
func (s *Sender) deliverFile(ctx context.Context, o Origin, r bot.Reply, key string) (string, error) {
	user := r.To
	if user == "" {
		user = o.UserID
	}
	if r.Chat != "" || user == "" {
		return "", ErrFileToChannel
	}
	api, supported := s.api.(fileAPI)
	if !supported {
		return "", &sendError{op: "upload file", err: errors.New("the client cannot upload files")}
	}
	files, err := export.Encode(r.File)
	if err != nil {
		return "", &sendError{op: "upload file", err: err}
	}
	channel, _, err := s.dmChannel(ctx, o.TeamID, user)
	if err != nil {
		return "", err
	}
	summaries := make([]slack.FileSummary, 0, len(files))
	for _, f := range files {
		id, err := s.uploadFile(ctx, api, o.TeamID, f, "")
		if err != nil {
			return "", err
		}
		summaries = append(summaries, slack.FileSummary{ID: id, Title: f.Name})
	}
	if key != "" && s.begun(ctx, o.TeamID, key+":file") {
		s.log.Info("export already shared, not sharing it again", "tenant", tenantOf(o.TeamID), "user_id", user, "event_id", o.EventID)
		return channel, nil
	}
	comment := bot.Message{Blocks: r.Message.Blocks}.Text()
	err = s.repeat(ctx, "complete upload", s.methodBucket(o.TeamID, "files.completeUploadExternal", s.pace.Ephemeral),
		func(ctx context.Context) error {
			_, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
				Files: summaries, Channel: channel, InitialComment: comment})
			return err
		})
	return channel, err
}

// uploadFile gets an upload URL for f, with alt as an image's alternative
// text, and sends its bytes there; it returns the file id to complete.
func (s *Sender) uploadFile(ctx context.Context, api fileAPI, team string, f export.File, alt string) (string, error) {
	var u *slack.GetUploadURLExternalResponse
	err := s.repeat(ctx, "get upload url", s.methodBucket(team, "files.getUploadURLExternal", s.pace.Ephemeral),
		func(ctx context.Context) error {
			var err error
			u, err = api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: f.Name, FileSize: len(f.Data), AltTxt: alt})
			return err
		})
	if err != nil {
		return "", err
	}
	err = s.repeat(ctx, "upload file", nil, func(ctx context.Context) error {
		return api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Reader: bytes.NewReader(f.Data), Filename: f.Name})
	})
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", f.Name, err)
	}
	return u.FileID, nil
}
