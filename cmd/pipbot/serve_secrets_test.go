package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestServeLogsNoSecret starts serve with both platforms configured, their
// API URLs carrying credentials and pointing at a platform that fails every
// call, and scans every line it logs, from start through the failing calls
// to shutdown, for any configured secret or URL credential.
func TestServeLogsNoSecret(t *testing.T) {
	var calls atomic.Int64
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"code":99991400,"msg":"internal error"}`))
	}))
	t.Cleanup(down.Close)
	host := strings.TrimPrefix(down.URL, "http://")
	secrets := map[string]string{
		"SLACK_BOT_TOKEN":         "xoxb-secret-bot-token-1",
		"SLACK_SIGNING_SECRET":    "slack-signing-secret-2",
		"LARK_APP_SECRET":         "lark-app-secret-3",
		"LARK_VERIFICATION_TOKEN": "lark-verify-token-4",
		"LARK_ENCRYPT_KEY":        "lark-encrypt-key-5",
	}
	const larkPassword, slackPassword = "lark-url-password-6", "slack-url-password-7"
	env := map[string]string{
		"LARK_APP_ID":   "cli_test",
		"LARK_DOMAIN":   "http://larkuser:" + larkPassword + "@" + host,
		"SLACK_API_URL": "http://slackuser:" + slackPassword + "@" + host + "/api/",
	}
	for k, v := range secrets {
		env[k] = v
	}
	_, stop, log := startServe(t, env)
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	out := log.String()
	if calls.Load() == 0 {
		t.Fatalf("no platform call was made, so nothing failing was logged:\n%s", out)
	}
	if !strings.Contains(out, "could not read the bot's identity") {
		t.Errorf("the failing Feishu call is not logged:\n%s", out)
	}
	for name, secret := range secrets {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %s:\n%s", name, out)
		}
	}
	for _, pw := range []string{larkPassword, slackPassword} {
		if strings.Contains(out, pw) {
			t.Errorf("the log holds a URL password %q:\n%s", pw, out)
		}
	}
	if !strings.Contains(out, "larkuser:****@") {
		t.Errorf("the Feishu base URL is not logged masked:\n%s", out)
	}
	line := logLine(t, out, "serving")
	if line["platforms"] != "feishu/lark (webhook), slack (events api)" || line["database"] != "sqlite" ||
		line["redis"] != "embedded, single replica" || line["scheduler"] != "on" {
		t.Errorf("the start summary = %v", line)
	}
}

// TestServeWarnsWithoutPlatform: serve with no platform says so.
func TestServeWarnsWithoutPlatform(t *testing.T) {
	_, stop, log := startServe(t, nil)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	if line := logLine(t, out, "serving"); line["platforms"] != "" {
		t.Errorf("platforms = %q, want none", line["platforms"])
	}
	warn := false
	for _, l := range strings.Split(out, "\n") {
		var rec struct{ Level, Msg string }
		if json.Unmarshal([]byte(l), &rec) == nil && rec.Level == "WARN" && strings.HasPrefix(rec.Msg, "no chat platform is configured") {
			warn = true
		}
	}
	if !warn {
		t.Errorf("no warning that no platform is configured:\n%s", out)
	}
}

// logLine returns the fields of the first JSON log line whose msg is msg.
func logLine(t *testing.T, out, msg string) map[string]any {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(l), &rec) == nil && rec["msg"] == msg {
			return rec
		}
	}
	t.Fatalf("no %q line in the log:\n%s", msg, out)
	return nil
}
