package lark

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"github.com/pipbot/pipbot/adapters/inbound/inboundtest"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"
)

const (
	testToken     = "vt_FAKE"
	testKey       = "ek_FAKE_encrypt_key_0123456789"
	testTenantKey = "2ca1d211f64f6f3a"
)

// harness is an Adapter on fakes, with its HTTP routes and a clock.
type harness struct {
	a      *Adapter
	inbox  *inboundtest.Inbox
	engine *fakeEngine
	out    *fakeDeliverer
	clock  *fakeClock
	logs   *syncBuffer
}

// syncBuffer is a log sink safe for the adapter's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newHarness(t *testing.T, edit func(*Options)) *harness {
	t.Helper()
	h := &harness{inbox: inboundtest.NewInbox(), engine: newFakeEngine(), out: newFakeDeliverer(),
		clock: &fakeClock{t: time.Date(2026, 6, 12, 10, 0, 0, 0, time.UTC)}, logs: &syncBuffer{}}
	opts := Options{
		AppID: "cli_a1b2c3", AppSecret: "secret_FAKE", VerificationToken: testToken, EncryptKey: testKey,
		BotOpenID: "ou_bot", Engine: h.engine, Inbox: h.inbox, Deliverer: h.out,
		Profiler: fakeProfiler{"ou_emp": {Name: "张三", ManagerID: "ou_mgr"}, "ou_mgr": {Name: "李经理", Locale: "zh"}},
		Log:      slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Clock:    h.clock.Now, Owner: "test-owner",
	}
	if edit != nil {
		edit(&opts)
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	a.tune.pipe.Poll = 10 * time.Millisecond
	a.tune.cardWindow = 20 * time.Millisecond
	a.tune.pipe.ShutdownWait = 5 * time.Second
	h.a = a
	return h
}

// start runs the adapter until the test ends.
func (h *harness) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
}

// post sends body to path through the adapter's routes.
func (h *harness) post(t *testing.T, path string, body []byte, hdr http.Header) *httptest.ResponseRecorder {
	t.Helper()
	handler := h.a.Routes()["POST "+path]
	if handler == nil {
		t.Fatalf("no route for %s", path)
	}
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	for k, v := range hdr {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	return rec
}

// send encrypts and signs plain as Feishu does, now, and posts it.
func (h *harness) send(t *testing.T, path string, plain []byte) *httptest.ResponseRecorder {
	t.Helper()
	body, hdr := signAndEncrypt(t, plain, testKey, h.clock.Now())
	return h.post(t, path, body, hdr)
}

// signAndEncrypt encrypts body as {"encrypt": base64(IV || AES-256-CBC)}
// and signs it as Feishu does, and checks both against the SDK.
func signAndEncrypt(t *testing.T, body []byte, key string, at time.Time) ([]byte, http.Header) {
	t.Helper()
	pad := aes.BlockSize - len(body)%aes.BlockSize
	encrypt := encryptRaw(t, append(bytes.Clone(body), bytes.Repeat([]byte{byte(pad)}, pad)...), key)
	out, _ := json.Marshal(map[string]string{"encrypt": encrypt})

	ts, nonce := strconv.FormatInt(at.Unix(), 10), "n-"+strconv.FormatInt(at.UnixNano(), 36)
	sig := signature(ts, nonce, key, out)
	if back, err := larkevent.EventDecrypt(encrypt, key); err != nil || !bytes.Equal(back, bytes.TrimSpace(body)) {
		t.Fatalf("the SDK decrypts our ciphertext to %q, %v", back, err)
	}
	if want := larkevent.Signature(ts, nonce, key, string(out)); sig != want {
		t.Fatalf("signature %s, the SDK's %s", sig, want)
	}
	hdr := http.Header{}
	hdr.Set(headerTimestamp, ts)
	hdr.Set(headerNonce, nonce)
	hdr.Set(headerSignature, sig)
	hdr.Set("Content-Type", "application/json")
	return out, hdr
}

// encryptRaw encrypts already padded plaintext with a random IV.
func encryptRaw(t *testing.T, padded []byte, key string) string {
	t.Helper()
	k := sha256.Sum256([]byte(key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, aes.BlockSize+len(padded))
	if _, err := rand.Read(buf[:aes.BlockSize]); err != nil {
		t.Fatal(err)
	}
	cipher.NewCBCEncrypter(block, buf[:aes.BlockSize]).CryptBlocks(buf[aes.BlockSize:], padded)
	return base64.StdEncoding.EncodeToString(buf)
}

// fixture reads a recorded payload from testdata, compacted.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// edited returns a payload with JSON edits applied by path ("header.event_id").
func edited(t *testing.T, raw []byte, edits map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for path, v := range edits {
		cur := m
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			cur = cur[p].(map[string]any)
		}
		if v == nil {
			delete(cur, parts[len(parts)-1])
		} else {
			cur[parts[len(parts)-1]] = v
		}
	}
	out, _ := json.Marshal(m)
	return out
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
