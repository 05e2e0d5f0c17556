package lark

import (
	"bytes"
	"crypto/aes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRefusedWithoutEffect: every forged, stale or tampered request gets 401
// with an empty body, and nothing reaches the inbox or the engine.
func TestRefusedWithoutEffect(t *testing.T) {
	msg := fixture(t, "message_p2p.json")
	cases := []struct {
		name string
		make func(h *harness) ([]byte, http.Header)
	}{
		{"bad signature", func(h *harness) ([]byte, http.Header) {
			body, hdr := signAndEncrypt(t, msg, testKey, h.clock.Now())
			hdr.Set(headerSignature, signature(hdr.Get(headerTimestamp), hdr.Get(headerNonce), "other-key", body))
			return body, hdr
		}},
		{"flipped body byte", func(h *harness) ([]byte, http.Header) {
			body, hdr := signAndEncrypt(t, msg, testKey, h.clock.Now())
			i := bytes.IndexByte(body, ':') + 10
			if body[i] == 'A' {
				body[i] = 'B'
			} else {
				body[i] = 'A'
			}
			return body, hdr
		}},
		{"re-serialized json", func(h *harness) ([]byte, http.Header) {
			body, hdr := signAndEncrypt(t, msg, testKey, h.clock.Now())
			var m map[string]any
			_ = json.Unmarshal(body, &m)
			out, _ := json.MarshalIndent(m, "", " ")
			return out, hdr
		}},
		{"missing timestamp", dropHeader(t, msg, headerTimestamp)},
		{"missing nonce", dropHeader(t, msg, headerNonce)},
		{"missing signature", dropHeader(t, msg, headerSignature)},
		{"no signature headers", func(h *harness) ([]byte, http.Header) {
			body, _ := signAndEncrypt(t, msg, testKey, h.clock.Now())
			return body, http.Header{}
		}},
		{"stale timestamp", func(h *harness) ([]byte, http.Header) {
			return signAndEncrypt(t, msg, testKey, h.clock.Now().Add(-301*time.Second))
		}},
		{"future timestamp", func(h *harness) ([]byte, http.Header) {
			return signAndEncrypt(t, msg, testKey, h.clock.Now().Add(301*time.Second))
		}},
		{"non-numeric timestamp", func(h *harness) ([]byte, http.Header) {
			body, hdr := signAndEncrypt(t, msg, testKey, h.clock.Now())
			ts := hdr.Get(headerTimestamp) + "s"
			hdr.Set(headerTimestamp, ts)
			hdr.Set(headerSignature, signature(ts, hdr.Get(headerNonce), testKey, body))
			return body, hdr
		}},
		{"wrong verification token", func(h *harness) ([]byte, http.Header) {
			return signAndEncrypt(t, edited(t, msg, map[string]any{"header.token": "vt_WRONG"}), testKey, h.clock.Now())
		}},
		{"no verification token", func(h *harness) ([]byte, http.Header) {
			return signAndEncrypt(t, edited(t, msg, map[string]any{"header.token": nil}), testKey, h.clock.Now())
		}},
		{"undecryptable body", func(h *harness) ([]byte, http.Header) {
			return signed(h, []byte(`{"encrypt":"bm90IGEgY2lwaGVydGV4dCBhdCBhbGwh"}`))
		}},
		{"not base64", func(h *harness) ([]byte, http.Header) {
			return signed(h, []byte(`{"encrypt":"%%%"}`))
		}},
		{"bad padding", func(h *harness) ([]byte, http.Header) {
			// The SDK trims to the braces and would accept this.
			padded := append(bytes.Clone(msg), make([]byte, aes.BlockSize*2-len(msg)%aes.BlockSize)...)
			body, _ := json.Marshal(map[string]string{"encrypt": encryptRaw(t, padded, testKey)})
			return signed(h, body)
		}},
		{"plaintext event, unsigned", func(h *harness) ([]byte, http.Header) {
			return msg, http.Header{}
		}},
		{"challenge with wrong token", func(h *harness) ([]byte, http.Header) {
			return edited(t, fixture(t, "url_verification.json"), map[string]any{"token": "vt_WRONG"}), http.Header{}
		}},
	}
	for _, tc := range cases {
		for _, path := range []string{"/lark/events", "/lark/cards"} {
			t.Run(tc.name+path, func(t *testing.T) {
				h := newHarness(t, nil)
				h.start(t)
				body, hdr := tc.make(h)
				rec := h.post(t, path, body, hdr)
				if rec.Code != http.StatusUnauthorized || rec.Body.Len() != 0 {
					t.Fatalf("got %d %q, want 401 with an empty body", rec.Code, rec.Body)
				}
				time.Sleep(30 * time.Millisecond) // a few worker polls
				if n := len(h.inbox.Stored()); n != 0 {
					t.Errorf("%d deliveries stored", n)
				}
				if n := len(h.engine.commands()); n != 0 {
					t.Errorf("engine called %d times", n)
				}
				logs := h.logs.String()
				if !strings.Contains(logs, "request refused") {
					t.Errorf("no log line for the refusal: %s", logs)
				}
				for _, secret := range []string{testKey, testToken, "新建"} {
					if strings.Contains(logs, secret) {
						t.Errorf("log holds %q: %s", secret, logs)
					}
				}
			})
		}
	}
}

func dropHeader(t *testing.T, msg []byte, name string) func(*harness) ([]byte, http.Header) {
	return func(h *harness) ([]byte, http.Header) {
		body, hdr := signAndEncrypt(t, msg, testKey, h.clock.Now())
		hdr.Del(name)
		return body, hdr
	}
}

// signed signs body as it is, without encrypting it.
func signed(h *harness, body []byte) ([]byte, http.Header) {
	ts := strconv.FormatInt(h.clock.Now().Unix(), 10)
	hdr := http.Header{}
	hdr.Set(headerTimestamp, ts)
	hdr.Set(headerNonce, "n1")
	hdr.Set(headerSignature, signature(ts, "n1", testKey, body))
	return body, hdr
}

func TestBadRequests(t *testing.T) {
	big := append([]byte(`{"encrypt":"`), bytes.Repeat([]byte("A"), 1<<20)...)
	big = append(big, `"}`...)
	cases := map[string][]byte{
		"malformed": []byte(`{"encrypt":`),
		"not json":  []byte(`hello`),
		"array":     []byte(`[]`),
		"null":      []byte(`null`),
		"empty":     nil,
		"oversized": big,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			_, hdr := signAndEncrypt(t, []byte(`{}`), testKey, h.clock.Now())
			rec := h.post(t, "/lark/events", body, hdr)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("got %d %q, want 400", rec.Code, rec.Body)
			}
			if name == "oversized" && !strings.Contains(rec.Body.String(), "too large") {
				t.Errorf("body %q does not say too large", rec.Body)
			}
			if n := len(h.inbox.Stored()); n != 0 {
				t.Errorf("%d deliveries stored", n)
			}
		})
	}
}

func TestURLVerification(t *testing.T) {
	h := newHarness(t, nil)
	plain := fixture(t, "url_verification.json")
	enc, _ := signAndEncrypt(t, plain, testKey, h.clock.Now())
	for name, body := range map[string][]byte{"plain": plain, "encrypted": enc} {
		t.Run(name, func(t *testing.T) {
			rec := h.post(t, "/lark/events", body, http.Header{}) // Feishu does not sign challenges
			if rec.Code != http.StatusOK || rec.Body.String() != `{"challenge":"ch-7f3a9c"}` {
				t.Fatalf("got %d %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestDecryptChecksPadding(t *testing.T) {
	msg := []byte(`{"a":1}`) // 7 bytes
	cases := map[string]struct {
		padded []byte
		ok     bool
	}{
		"valid":        {append(bytes.Clone(msg), bytes.Repeat([]byte{9}, 9)...), true},
		"full block":   {append(bytes.Repeat([]byte(" "), 9), append(bytes.Clone(msg), bytes.Repeat([]byte{16}, 16)...)...), true},
		"zero":         {append(bytes.Clone(msg), make([]byte, 9)...), false},
		"too long":     {append(bytes.Clone(msg), bytes.Repeat([]byte{17}, 9)...), false},
		"inconsistent": {append(bytes.Clone(msg), append(bytes.Repeat([]byte{9}, 8), 8)...), false},
	}
	for name, tc := range cases {
		got, err := decrypt(encryptRaw(t, tc.padded, testKey), testKey)
		if tc.ok != (err == nil) {
			t.Errorf("%s: decrypt = %q, %v", name, got, err)
		}
		if tc.ok && !bytes.HasSuffix(got, msg) {
			t.Errorf("%s: decrypt = %q", name, got)
		}
	}
}
