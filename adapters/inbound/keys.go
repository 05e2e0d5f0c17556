package inbound

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MaxKey is the longest dedupe key the inbox keeps, in characters.
const MaxKey = 191

// Key joins a dedupe key's parts with ":" after prefix; a key too long for
// the inbox is shortened to its prefix and a hash of the whole. Keys of
// requests a person makes (clicks, submissions, commands) name the tenant
// among their parts, so that ids two tenants may share never collide.
func Key(prefix string, parts ...string) string {
	k := prefix + strings.Join(parts, ":")
	if len([]rune(k)) <= MaxKey {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	return prefix + "h:" + hex.EncodeToString(sum[:])
}
