package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Signature headers of Slack's requests.
const (
	headerTimestamp = "X-Slack-Request-Timestamp"
	headerSignature = "X-Slack-Signature"
	headerRetryNum  = "X-Slack-Retry-Num"
)

// refusal answers 401 with an empty body; reason is logged, never sent.
type refusal struct{ reason string }

func (r refusal) Error() string { return "refused: " + r.reason }

// verifier checks Slack's v0 request signature: an HMAC-SHA256 with the
// signing secret over "v0:" + timestamp + ":" + raw body, compared in
// constant time, with a timestamp within window of now on either side
// (slack-go checks the same; Bolt-JS only the past side).
type verifier struct {
	secret []byte
	now    func() time.Time
	window time.Duration
}

// check verifies body against the request headers. Only the v0 scheme is
// accepted; a missing header, a non-numeric or out-of-window timestamp, and
// a wrong signature are refusals.
func (v verifier) check(h http.Header, body []byte) error {
	ts, sig := h.Get(headerTimestamp), h.Get(headerSignature)
	if ts == "" || sig == "" {
		return refusal{"missing signature header"}
	}
	if len(v.secret) == 0 {
		return refusal{"no signing secret"}
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return refusal{"non-numeric timestamp"}
	}
	if d := v.now().Sub(time.Unix(secs, 0)); d > v.window || d < -v.window {
		return refusal{"timestamp outside the window"}
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return refusal{"unsupported signature scheme"}
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return refusal{"malformed signature"}
	}
	if !hmac.Equal(got, mac(v.secret, ts, body)) {
		return refusal{"bad signature"}
	}
	return nil
}

// mac is HMAC-SHA256(secret, "v0:"+ts+":"+body).
func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("v0:" + ts + ":"))
	m.Write(body)
	return m.Sum(nil)
}

// readVerified reads a request body (bounded) and verifies its signature,
// before anything is parsed. On failure it has already answered: 400 for an
// oversized or unreadable body, 401 with an empty body for a refusal.
func (a *Adapter) readVerified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.tune.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		reason := "unreadable body"
		if errors.As(err, &tooBig) {
			reason = "body too large"
		}
		a.log.WarnContext(r.Context(), "request rejected", "reason", reason, "path", r.URL.Path)
		http.Error(w, reason, http.StatusBadRequest)
		return nil, false
	}
	if err := a.verify.check(r.Header, body); err != nil {
		var ref refusal
		reason := err.Error()
		if errors.As(err, &ref) {
			reason = ref.reason
		}
		a.log.WarnContext(r.Context(), "request refused", "reason", reason, "path", r.URL.Path)
		w.WriteHeader(http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}
