package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveLog collects the JSON log lines of a running `pipbot serve` and
// reports the address from its "listening" line.
type serveLog struct {
	mu    sync.Mutex
	lines []string
	addr  chan string
	eof   chan struct{} // closed when the last line has been collected
}

func newServeLog(r io.Reader) *serveLog {
	l := &serveLog{addr: make(chan string, 1), eof: make(chan struct{})}
	go func() {
		defer close(l.eof)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" {
				l.addr <- rec.Addr
			}
			l.mu.Lock()
			l.lines = append(l.lines, sc.Text())
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *serveLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// startServe runs `pipbot serve` on 127.0.0.1:0 with a temporary SQLite
// database and returns its base URL, a stop function that cancels it and
// waits for run's result, and its log.
func startServe(t *testing.T, extra map[string]string) (base string, stop func() error, log *serveLog) {
	t.Helper()
	env := map[string]string{
		"PIPBOT_ADDR": "127.0.0.1:0",
		"PIPBOT_DB":   "sqlite://" + filepath.Join(t.TempDir(), "pipbot.db"),
	}
	for k, v := range extra {
		env[k] = v
	}
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	log = newServeLog(pr)
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve"}, mapEnv(env), strings.NewReader(""), io.Discard, pw)
		pw.Close()
		done <- err
	}()
	stop = func() error {
		cancel()
		select {
		case err := <-done:
			// The pipe's writes return once read, before the line is
			// collected: wait for the last one ("stopped").
			<-log.eof
			return err
		case <-time.After(3 * time.Second):
			t.Fatal("serve did not stop within 3 s of cancellation")
			return nil
		}
	}
	select {
	case addr := <-log.addr:
		return "http://" + addr, stop, log
	case err := <-done:
		t.Fatalf("serve ended before listening: %v\n%s", err, log)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("serve did not log a listening address:\n%s", log)
	}
	return "", nil, nil
}

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

func TestServe(t *testing.T) {
	const token, signing = "xoxb-never-log-this-token", "never-log-this-signing-secret"
	base, stop, log := startServe(t, map[string]string{
		"SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": signing,
	})

	tests := []struct {
		path string
		code int
		body string
	}{
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ok"},
		{"/no/such/page", 404, ""},
		// Slack is configured, so its callback routes exist (POST only);
		// Feishu is not, so its routes are not mounted at all.
		{"/slack/events", 405, ""},
		{"/lark/events", 404, ""},
	}
	for _, tt := range tests {
		code, body := get(t, base+tt.path)
		if code != tt.code || (tt.body != "" && body != tt.body) {
			t.Errorf("GET %s = %d %q, want %d %q", tt.path, code, body, tt.code, tt.body)
		}
	}
	if resp, err := http.Post(base+"/healthz", "text/plain", nil); err != nil {
		t.Errorf("POST /healthz: %v", err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz = %d, want 405", resp.StatusCode)
	}

	code, metrics := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		`pipbot_http_requests_total{code="200",route="GET /healthz"} 1`,
		`pipbot_http_requests_total{code="200",route="GET /readyz"} 1`,
		`pipbot_http_requests_total{code="404",route="unmatched"} 2`,
		`pipbot_http_requests_total{code="405",route="unmatched"} 2`,
		"go_goroutines",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after cancellation, want nil", err)
	}
	if _, err := http.Get(base + "/readyz"); err == nil {
		t.Errorf("GET /readyz succeeded after shutdown")
	}

	out := log.String()
	for _, want := range []string{`"msg":"listening"`, `"msg":"shutting down"`, `"msg":"stopped"`, `"component":"http"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{token, signing} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains the secret %q:\n%s", secret, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %s", line)
		}
	}
}

func TestServeBadRedisHidesPassword(t *testing.T) {
	t.Parallel() // the Redis client retries for a second or two
	const password = "hunter2-redis-password"
	var errb strings.Builder
	err := run(t.Context(), []string{"serve"}, mapEnv(map[string]string{
		"PIPBOT_ADDR":  "127.0.0.1:0",
		"PIPBOT_DB":    "sqlite://" + filepath.Join(t.TempDir(), "pipbot.db"),
		"PIPBOT_REDIS": "redis://:" + password + "@127.0.0.1:1/0",
	}), strings.NewReader(""), io.Discard, &errb)
	if err == nil {
		t.Fatal("serve started without its Redis")
	}
	if strings.Contains(err.Error(), password) || strings.Contains(errb.String(), password) {
		t.Errorf("the Redis password leaked:\nerr: %v\nlog: %s", err, errb.String())
	}
}

func TestServeBadConfig(t *testing.T) {
	_, _, err := runCmd(t, t.Context(), map[string]string{"PIPBOT_TZ": "Mars/Base"}, "", "serve")
	if err == nil || !strings.Contains(err.Error(), "PIPBOT_TZ") {
		t.Errorf("err = %v, want the PIPBOT_TZ problem", err)
	}
}
