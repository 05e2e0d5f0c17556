package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// The audit log of a tenant is a hash chain: every entry carries the hash
// of the entry before it in the same tenant (Seq − 1) and its own hash over
// the canonical encoding of what it records, so an entry edited, deleted or
// slipped in with SQL breaks the chain at a place anyone can find
// (`pipbot audit verify`). The store assigns Seq and PrevHash when it
// appends, under a per-tenant lock, and seals the entry with Seal.

// auditHashVersion prefixes the encoding, so a later change of what is
// hashed can be told from tampering.
const auditHashVersion = "pipbot-audit-v1"

// auditTimeLayout is the stored precision of audit times (milliseconds,
// UTC), so the hash of an entry read back equals the hash it was sealed with.
const auditTimeLayout = "2006-01-02T15:04:05.000Z"

// canonical is the entry's fields in a fixed order as a JSON array of
// strings, which encoding/json writes the same way every time.
func (a *AuditEntry) canonical() []byte {
	fields := []string{
		auditHashVersion,
		a.Tenant,
		strconv.FormatInt(a.PlanID, 10),
		strconv.FormatInt(a.Seq, 10),
		a.ActorID,
		string(a.Role),
		a.Platform,
		a.Action,
		a.From,
		a.To,
		a.Detail,
		a.At.UTC().Truncate(time.Millisecond).Format(auditTimeLayout),
		a.PrevHash,
	}
	b, _ := json.Marshal(fields) // []string always encodes
	return b
}

// ComputeHash is the hex SHA-256 of the entry's canonical encoding, which
// includes PrevHash and Seq but not ID or Hash.
func (a *AuditEntry) ComputeHash() string {
	sum := sha256.Sum256(a.canonical())
	return hex.EncodeToString(sum[:])
}

// Seal places the entry after prev in its tenant's chain (seq is prev's
// Seq + 1, prevHash prev's Hash; 1 and "" for the first entry) and sets its
// Hash. At is truncated to the stored precision first.
func (a *AuditEntry) Seal(seq int64, prevHash string) {
	a.At = a.At.UTC().Truncate(time.Millisecond)
	a.Seq, a.PrevHash = seq, prevHash
	a.Hash = a.ComputeHash()
}

// AuditCheck is the outcome of verifying (part of) a tenant's audit chain.
type AuditCheck struct {
	Tenant  string
	Checked int // entries looked at
	// Broken is empty when the chain verifies; otherwise it says what is
	// wrong with the first broken entry: "hash" (its content changed; for
	// the newest entry, also when the store's record of the chain's end
	// holds another hash), "link" (its predecessor was changed and rehashed,
	// or it was slipped in past the chain's end), "missing" (no entry has
	// this place: one was removed, the newest ones included).
	Broken    string
	BrokenSeq int64 // the first broken entry's place in the tenant's chain
	BrokenID  int64 // its row id, 0 when the entry itself is missing
}

// OK reports whether the checked chain is intact.
func (c AuditCheck) OK() bool { return c.Broken == "" }
