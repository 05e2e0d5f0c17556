package lark

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
	"github.com/pipbot/pipbot/bot"
)

// fileReply is an export of one small table to ou_emp.
func fileReply(format string) bot.Reply {
	r := outText("📎 计划 #1 的导出文件")
	r.To, r.Private = "ou_emp", true
	r.File = &bot.Attachment{Name: "绩效改进计划-1", Format: format, Tables: []bot.Table{
		{Name: "绩效差距分析表", Header: []string{"优先级", "核心问题"}, Rows: [][]bot.Cell{{bot.NumberCell(1), bot.TextCell("季度销售额")}}},
		{Name: "绩效改进行动计划表", Header: []string{"序号", "截止日期"}, Rows: [][]bot.Cell{{bot.NumberCell(1), bot.DateCell(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))}}},
	}}
	return r
}

// TestDeliverFile: an export is its card, then the workbook uploaded as
// file_type xls and sent as a file message to the person, once even when
// delivered again; the workbook opens with the Chinese sheet names.
func TestDeliverFile(t *testing.T) {
	s := larktest.NewServer(t)
	snd := outSender(s)
	replies := []bot.Reply{fileReply(bot.FormatXLSX)}
	for range 2 {
		if err := snd.Deliver(context.Background(), groupOrigin, replies); err != nil {
			t.Fatalf("deliver: %v", err)
		}
	}
	msgs := s.Messages()
	if len(msgs) != 2 || msgs[0].MsgType != "interactive" || msgs[1].MsgType != "file" {
		t.Fatalf("messages = %+v, want a card then a file", msgs)
	}
	for _, m := range msgs {
		if m.ReceiveIDType != "open_id" || m.ReceiveID != "ou_emp" {
			t.Errorf("a message went to %s %s, not the person one-to-one", m.ReceiveIDType, m.ReceiveID)
		}
	}
	u, ok := s.Upload(msgs[1].FileKey)
	if !ok || u.FileType != "xls" || u.FileName != "绩效改进计划-1.xlsx" {
		t.Fatalf("upload = %+v", u)
	}
	f, err := excelize.OpenReader(bytes.NewReader(u.Data))
	if err != nil {
		t.Fatalf("the uploaded workbook does not open: %v", err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "绩效差距分析表,绩效改进行动计划表" {
		t.Errorf("sheets = %s", got)
	}
}

// TestDeliverFileCSV: CSV is one stream upload per table.
func TestDeliverFileCSV(t *testing.T) {
	s := larktest.NewServer(t)
	if err := outSender(s).Deliver(context.Background(), p2pOrigin, []bot.Reply{fileReply(bot.FormatCSV)}); err != nil {
		t.Fatal(err)
	}
	ups := s.Uploads()
	if len(ups) != 2 || ups[0].FileType != "stream" || !strings.HasSuffix(ups[1].FileName, "绩效改进行动计划表.csv") || !bytes.HasPrefix(ups[0].Data, []byte("\uFEFF")) {
		t.Fatalf("uploads = %+v", ups)
	}
}

// TestFileTooLarge: a file past 30 MB is refused before any upload, for
// good: trying again cannot make it smaller.
func TestFileTooLarge(t *testing.T) {
	s := larktest.NewServer(t)
	r := fileReply(bot.FormatCSV)
	big := make([]bot.Cell, 0, 1)
	big = append(big, bot.TextCell(strings.Repeat("x", 31<<20)))
	r.File.Tables[0].Rows = append(r.File.Tables[0].Rows, big)
	err := outSender(s).Deliver(context.Background(), p2pOrigin, []bot.Reply{r})
	if !errors.Is(err, ErrFileTooLarge) || Temporary(err) || len(s.Uploads()) != 0 {
		t.Fatalf("err = %v (temporary %v), %d uploads", err, Temporary(err), len(s.Uploads()))
	}
}

// TestFileNeverToGroup: a file aimed at a chat is refused, nothing sent.
func TestFileNeverToGroup(t *testing.T) {
	s := larktest.NewServer(t)
	r := fileReply(bot.FormatXLSX)
	r.To, r.Chat, r.Private = "", "oc_team", false
	err := outSender(s).Deliver(context.Background(), p2pOrigin, []bot.Reply{r})
	if !errors.Is(err, ErrPrivateToGroup) || len(s.Messages()) != 0 || len(s.Uploads()) != 0 {
		t.Fatalf("err = %v, %d messages, %d uploads", err, len(s.Messages()), len(s.Uploads()))
	}
}

// TestFakeUploadRefusals: the fake answers the upload as the platform
// does: an empty file 234010, no file_type 234001, a file over 30 MB
// 234006; a file message with a key nobody uploaded is refused.
func TestFakeUploadRefusals(t *testing.T) {
	s := larktest.NewServer(t)
	tok := tenantToken(t, s)
	post := func(fileType string, data []byte) int {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if fileType != "" {
			_ = mw.WriteField("file_type", fileType)
		}
		_ = mw.WriteField("file_name", "a.xlsx")
		fw, _ := mw.CreateFormFile("file", "a.xlsx")
		_, _ = fw.Write(data)
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/open-apis/im/v1/files", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Code int }
		_ = jsonDecode(resp, &out)
		return out.Code
	}
	cases := []struct {
		name     string
		fileType string
		data     []byte
		want     int
	}{
		{"empty", "xls", nil, larktest.CodeFileEmpty},
		{"no file_type", "", []byte("x"), larktest.CodeFileParam},
		{"unknown file_type", "xlsx", []byte("x"), larktest.CodeFileParam},
		{"over 30 MB", "stream", make([]byte, 30<<20+1), larktest.CodeFileLarge},
		{"ok", "xls", []byte("x"), 0},
	}
	for _, c := range cases {
		if got := post(c.fileType, c.data); got != c.want {
			t.Errorf("%s: code %d, want %d", c.name, got, c.want)
		}
	}
	err := outSender(s).sendFileKey(context.Background(), target{idType: "open_id", id: "ou_emp"}, "file_v3_nobody", "")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != larktest.CodeBadRequest {
		t.Errorf("a file message with an unknown key: %v", err)
	}
}

// tenantToken fetches the fake's tenant token for the default app.
func tenantToken(t *testing.T, s *larktest.Server) string {
	t.Helper()
	body := strings.NewReader(`{"app_id":"` + larktest.AppID + `","app_secret":"` + larktest.AppSecret + `"}`)
	resp, err := http.Post(s.URL+"/open-apis/auth/v3/tenant_access_token/internal", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"tenant_access_token"`
	}
	if err := jsonDecode(resp, &out); err != nil || out.Token == "" {
		t.Fatalf("token: %v", err)
	}
	return out.Token
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
