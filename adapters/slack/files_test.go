package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/xuri/excelize/v2"

	"github.com/pipbot/pipbot/adapters/slack/slacktest"
	"github.com/pipbot/pipbot/bot"
)

// outFile is an export of one small table to user.
func outFile(user, format string) bot.Reply {
	r := outNote("📎 The export of plan #1 is attached")
	r.To, r.Private = user, true
	r.File = &bot.Attachment{Name: "pip-plan-1", Format: format, Tables: []bot.Table{
		{Name: "Action plan", Header: []string{"No.", "Due date"}, Rows: [][]bot.Cell{{bot.NumberCell(1), bot.DateCell(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))}}},
		{Name: "绩效差距分析表", Header: []string{"核心问题"}, Rows: [][]bot.Cell{{bot.TextCell("季度销售额")}}},
	}}
	return r
}

// TestDeliverFileToDM: asked in a channel, the workbook is uploaded in
// Slack's three steps and shared in the asker's DM with the reply's text;
// nothing is posted in the channel; delivered again, it is shared once.
func TestDeliverFileToDM(t *testing.T) {
	o := newOutbound(t, nil, nil)
	origin := Origin{TeamID: slacktest.TeamID, ChannelID: "C1", ChannelType: "channel", UserID: "U1", EventID: "Ev1"}
	for range 2 { // delivered again (another reply failed): shared once
		if err := o.snd.Deliver(outCtx, origin, []bot.Reply{outFile("U1", bot.FormatXLSX)}); err != nil {
			t.Fatalf("deliver: %v", err)
		}
	}
	var files []slacktest.File
	for _, f := range o.fake.Files() {
		if f.Channel != "" {
			files = append(files, f)
		}
	}
	dm := outDM(t, o, "U1")
	if len(files) != 1 || files[0].Channel != dm || files[0].Name != "pip-plan-1.xlsx" || !strings.Contains(files[0].Comment, "plan #1") {
		t.Fatalf("files = %+v, want one shared in %s", files, dm)
	}
	if n := len(o.fake.Messages()); n != 0 {
		t.Errorf("%d messages were posted besides the file", n)
	}
	f, err := excelize.OpenReader(bytes.NewReader(files[0].Data))
	if err != nil {
		t.Fatalf("the shared workbook does not open: %v", err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Action plan", "B2"); v != "2026-12-31" {
		t.Errorf("B2 = %q", v)
	}
}

// TestDeliverFileCSV: CSV is one file per table, shared together.
func TestDeliverFileCSV(t *testing.T) {
	o := newOutbound(t, nil, nil)
	if err := o.snd.Deliver(outCtx, Origin{TeamID: slacktest.TeamID, UserID: "U2"}, []bot.Reply{outFile("U2", bot.FormatCSV)}); err != nil {
		t.Fatal(err)
	}
	files := o.fake.Files()
	if len(files) != 2 || files[1].Name != "pip-plan-1-绩效差距分析表.csv" || !bytes.HasPrefix(files[1].Data, []byte("\uFEFF")) || files[0].Channel == "" {
		t.Fatalf("files = %+v", files)
	}
}

// TestFileNeverToChannel: a file aimed at a channel is refused for good
// and nothing is uploaded.
func TestFileNeverToChannel(t *testing.T) {
	o := newOutbound(t, nil, nil)
	r := outFile("", bot.FormatXLSX)
	r.Chat = "C1"
	err := o.snd.Deliver(outCtx, Origin{TeamID: slacktest.TeamID, ChannelID: "C1", UserID: "U1"}, []bot.Reply{r})
	if !errors.Is(err, ErrFileToChannel) || outTemporary(err) || len(o.fake.Files()) != 0 {
		t.Fatalf("err = %v, files = %d", err, len(o.fake.Files()))
	}
}

// TestFakeUploadErrors: the fake answers the external upload as Slack
// does: no length is invalid_arguments, completing a file never uploaded
// or in an unknown DM fails, an upload of the wrong length is refused.
func TestFakeUploadErrors(t *testing.T) {
	o := newOutbound(t, nil, nil)
	api := o.snd.api.(fileAPI)
	if _, err := api.GetUploadURLExternalContext(outCtx, slack.GetUploadURLExternalParameters{FileName: "a.xlsx", FileSize: 2 << 30}); slackCode(err) != "file_too_large" {
		t.Errorf("2 GB: %v", err)
	}
	u, err := api.GetUploadURLExternalContext(outCtx, slack.GetUploadURLExternalParameters{FileName: "a.xlsx", FileSize: 3})
	if err != nil || !strings.HasPrefix(u.UploadURL, o.fake.URL) || u.FileID == "" {
		t.Fatalf("upload url = %+v, %v", u, err)
	}
	complete := func(channel string) string {
		_, err := api.CompleteUploadExternalContext(outCtx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: u.FileID}}, Channel: channel})
		return slackCode(err)
	}
	if code := complete(""); code != "file_not_found" {
		t.Errorf("completing a file never uploaded: %q", code)
	}
	if err := api.UploadToURL(outCtx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Reader: strings.NewReader("toolong"), Filename: "a.xlsx"}); err == nil {
		t.Error("an upload of the wrong length was taken")
	}
	if err := api.UploadToURL(outCtx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Reader: strings.NewReader("abc"), Filename: "a.xlsx"}); err != nil {
		t.Fatalf("upload: %v", err)
	}
	if code := complete("D99999999"); code != "channel_not_found" {
		t.Errorf("an unknown DM: %q", code)
	}
	if code := complete(outDM(t, o, "U3")); code != "" {
		t.Errorf("complete: %q", code)
	}
	resp, err := http.PostForm(o.fake.APIURL()+"files.getUploadURLExternal", url.Values{"token": {slacktest.BotToken}, "filename": {"a"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Error string }
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if body.Error != "invalid_arguments" {
		t.Errorf("no length: %q", body.Error)
	}
}
