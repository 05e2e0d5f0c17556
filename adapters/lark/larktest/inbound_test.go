package larktest

import (
	"encoding/json"
	"testing"
	"time"

	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"
)

// TestSealMatchesTheSDK: what Seal produces, the SDK decrypts and signs alike.
func TestSealMatchesTheSDK(t *testing.T) {
	plain := Event("ev1", "im.message.receive_v1", "t1", "vt", TextMessage("om1", "oc1", "p2p", "ou1", "t1", "帮助", nil))
	at := time.Unix(1763700000, 0)
	body, h := Seal(plain, "enc-key", at)
	var outer struct{ Encrypt string }
	if err := json.Unmarshal(body, &outer); err != nil {
		t.Fatal(err)
	}
	back, err := larkevent.EventDecrypt(outer.Encrypt, "enc-key")
	if err != nil || string(back) != string(plain) {
		t.Fatalf("SDK decrypts to %q, %v", back, err)
	}
	want := larkevent.Signature(h.Get("X-Lark-Request-Timestamp"), h.Get("X-Lark-Request-Nonce"), "enc-key", string(body))
	if got := h.Get("X-Lark-Signature"); got != want || h.Get("X-Lark-Request-Timestamp") != "1763700000" {
		t.Fatalf("signature %s, SDK %s", got, want)
	}
}
