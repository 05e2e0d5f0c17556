package lark

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Signature headers of Feishu's event and callback requests.
const (
	headerTimestamp = "X-Lark-Request-Timestamp"
	headerNonce     = "X-Lark-Request-Nonce"
	headerSignature = "X-Lark-Signature"
)

// errMalformed answers 400: the body is not a JSON object.
var errMalformed = errors.New("malformed body")

// refusal answers 401 with an empty body; reason is logged, never sent.
type refusal struct{ reason string }

func (r refusal) Error() string { return "refused: " + r.reason }

// envelope is a verified request: its plaintext and what the adapter routes on.
type envelope struct {
	Raw       []byte // the decrypted JSON, as stored in the inbox
	Challenge string // set for url_verification
	Verify    bool   // a url_verification request
	EventID   string
	EventType string
	TenantKey string
	Token     string
}

// wire is the part of any Feishu body the adapter reads: a schema 2.0 event,
// a schema 1.0 event (type event_callback) or a url_verification.
type wire struct {
	Encrypt   *string `json:"encrypt"`
	Type      string  `json:"type"`
	Challenge string  `json:"challenge"`
	Token     string  `json:"token"`
	UUID      string  `json:"uuid"`
	Header    *struct {
		EventID   string `json:"event_id"`
		EventType string `json:"event_type"`
		TenantKey string `json:"tenant_key"`
		Token     string `json:"token"`
	} `json:"header"`
	Event *struct {
		Type      string `json:"type"`
		TenantKey string `json:"tenant_key"`
	} `json:"event"`
}

// verifier checks Feishu's signature, timestamp window and verification
// token, and decrypts. The SDK checks neither a window nor, without an
// encrypt key, anything at all; this fails closed instead.
type verifier struct {
	token, key string
	now        func() time.Time
	window     time.Duration
}

// open verifies body and returns its plaintext envelope. A url_verification
// needs only the right token (Feishu does not sign challenges); anything
// else must be signed within the window and carry the token.
func (v verifier) open(h http.Header, body []byte) (envelope, error) {
	var outer wire
	if !isObject(body) || json.Unmarshal(body, &outer) != nil {
		return envelope{}, errMalformed
	}
	signed, err := v.checkSignature(h, body)
	if err != nil {
		return envelope{}, err
	}
	plain := body
	if outer.Encrypt != nil {
		if plain, err = decrypt(*outer.Encrypt, v.key); err != nil {
			return envelope{}, refusal{"undecryptable body"}
		}
	}
	env, err := parseEnvelope(plain)
	if err != nil {
		return envelope{}, err
	}
	if !env.Verify && !signed {
		return envelope{}, refusal{"unsigned request"}
	}
	if v.token == "" || subtle.ConstantTimeCompare([]byte(env.Token), []byte(v.token)) != 1 {
		return envelope{}, refusal{"wrong verification token"}
	}
	return env, nil
}

// parseEnvelope reads the routing fields of a plaintext body: a schema 2.0
// event, a schema 1.0 event_callback, or a url_verification.
func parseEnvelope(plain []byte) (envelope, error) {
	var in wire
	if !isObject(plain) || json.Unmarshal(plain, &in) != nil {
		return envelope{}, errMalformed
	}
	env := envelope{Raw: plain, Token: in.Token}
	switch {
	case in.Type == "url_verification":
		env.Verify, env.Challenge = true, in.Challenge
	case in.Encrypt != nil:
		return envelope{}, refusal{"nested encryption"}
	case in.Header != nil:
		env.EventID, env.EventType, env.TenantKey, env.Token = in.Header.EventID, in.Header.EventType, in.Header.TenantKey, in.Header.Token
	case in.Event != nil:
		env.EventID, env.EventType, env.TenantKey = in.UUID, in.Event.Type, in.Event.TenantKey
	}
	return env, nil
}

// checkSignature reports whether the request is signed; a partial or wrong
// signature, or a timestamp outside the window, is a refusal.
func (v verifier) checkSignature(h http.Header, body []byte) (bool, error) {
	ts, nonce, sig := h.Get(headerTimestamp), h.Get(headerNonce), h.Get(headerSignature)
	if ts == "" && nonce == "" && sig == "" {
		return false, nil
	}
	if ts == "" || nonce == "" || sig == "" {
		return false, refusal{"missing signature header"}
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false, refusal{"non-numeric timestamp"}
	}
	if d := v.now().Sub(time.Unix(secs, 0)); d > v.window || d < -v.window {
		return false, refusal{"timestamp outside the window"}
	}
	want := signature(ts, nonce, v.key, body)
	if v.key == "" || subtle.ConstantTimeCompare([]byte(strings.ToLower(sig)), []byte(want)) != 1 {
		return false, refusal{"bad signature"}
	}
	return true, nil
}

// signature is hex(sha256(timestamp + nonce + encrypt_key + body)).
func signature(ts, nonce, key string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(ts + nonce + key))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// decrypt opens base64(IV || AES-256-CBC(sha256(key), PKCS7(plaintext))),
// checking the padding instead of trimming to the outer braces as the SDK does.
func decrypt(encrypted, key string) ([]byte, error) {
	if key == "" {
		return nil, errors.New("no encrypt key")
	}
	buf, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, err
	}
	if len(buf) < 2*aes.BlockSize || len(buf)%aes.BlockSize != 0 {
		return nil, errors.New("ciphertext length")
	}
	k := sha256.Sum256([]byte(key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(buf)-aes.BlockSize)
	cipher.NewCBCDecrypter(block, buf[:aes.BlockSize]).CryptBlocks(out, buf[aes.BlockSize:])
	n := int(out[len(out)-1])
	if n < 1 || n > aes.BlockSize {
		return nil, errors.New("bad padding")
	}
	for _, b := range out[len(out)-n:] {
		if int(b) != n {
			return nil, errors.New("bad padding")
		}
	}
	return out[:len(out)-n], nil
}

// isObject reports whether b looks like a JSON object (not null or an array).
func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}
