package larktest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Seal encrypts a plaintext event as Feishu does when an Encrypt Key is set
// ({"encrypt": base64(IV || AES-256-CBC(sha256(key), PKCS7(body)))}) and
// returns the body with the signature headers for time at: X-Lark-Signature
// is hex(sha256(timestamp + nonce + key + body)).
func Seal(plain []byte, key string, at time.Time) ([]byte, http.Header) {
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	k := sha256.Sum256([]byte(key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		panic(err) // a 32-byte key cannot fail
	}
	buf := make([]byte, aes.BlockSize+len(padded))
	_, _ = rand.Read(buf[:aes.BlockSize])
	cipher.NewCBCEncrypter(block, buf[:aes.BlockSize]).CryptBlocks(buf[aes.BlockSize:], padded)
	body, _ := json.Marshal(map[string]string{"encrypt": base64.StdEncoding.EncodeToString(buf)})
	ts := strconv.FormatInt(at.Unix(), 10)
	nonce := "n" + strconv.FormatInt(at.UnixNano(), 36)
	sum := sha256.Sum256(append([]byte(ts+nonce+key), body...))
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Lark-Request-Timestamp", ts)
	h.Set("X-Lark-Request-Nonce", nonce)
	h.Set("X-Lark-Signature", hex.EncodeToString(sum[:]))
	return body, h
}

// Event is the schema 2.0 envelope of an event or callback.
func Event(eventID, eventType, tenantKey, token string, event any) []byte {
	b, _ := json.Marshal(map[string]any{"schema": "2.0",
		"header": map[string]any{"event_id": eventID, "event_type": eventType, "tenant_key": tenantKey, "token": token,
			"create_time": "1700000000000", "app_id": AppID},
		"event": event})
	return b
}

// TextMessage is an im.message.receive_v1 event body: open_id sends text in
// chat (chatType "p2p" or "group"); mentions maps placeholders ("@_user_1")
// to open_ids.
func TextMessage(messageID, chatID, chatType, openID, tenantKey, text string, mentions map[string]string) map[string]any {
	content, _ := json.Marshal(map[string]string{"text": text})
	var ms []map[string]any
	for key, id := range mentions {
		ms = append(ms, map[string]any{"key": key, "id": map[string]any{"open_id": id}, "name": key, "tenant_key": tenantKey})
	}
	return map[string]any{
		"sender": map[string]any{"sender_id": map[string]any{"open_id": openID}, "sender_type": "user", "tenant_key": tenantKey},
		"message": map[string]any{"message_id": messageID, "chat_id": chatID, "chat_type": chatType, "message_type": "text",
			"content": string(content), "create_time": "1700000000000", "mentions": ms},
	}
}

// CardAction is a card.action.trigger callback body: openID clicked a
// button carrying value on message cardMessageID (formValue for a form).
func CardAction(openID, tenantKey, cardMessageID, chatID string, value, formValue map[string]any) map[string]any {
	action := map[string]any{"tag": "button", "value": value}
	if formValue != nil {
		action["form_value"] = formValue
		action["name"] = "submit"
	}
	return map[string]any{
		"operator": map[string]any{"tenant_key": tenantKey, "open_id": openID},
		"token":    "c-" + cardMessageID,
		"action":   action,
		"host":     "im_message",
		"context":  map[string]any{"open_message_id": cardMessageID, "open_chat_id": chatID},
	}
}
