// Package storage implements the ports the engine declares in bot/ports.go:
// bot.Store over GORM (SQLite by default, PostgreSQL, MySQL/MariaDB) and
// bot.Sessions plus the coordination primitives of the adapters and the
// scheduler (dedupe, locks, rate limits) over Redis, embedded when no server
// is configured.
//
// Every SQL row carries its tenant and every query filters by it, so a record
// of another tenant is bot.ErrNotFound even by its ID. Times are stored in
// UTC and truncated to milliseconds (MySQL DATETIME(3)); a zero time.Time is
// stored as NULL and read back as zero. The store never sets timestamps
// itself: the engine's clock does.
//
// The audit log is a hash chain per tenant: AppendAudit seals each entry
// after the tenant's head row, which it locks for the rest of the
// transaction (audit.go, audit_chain.go), and VerifyAudit finds the first
// entry changed, removed or slipped in with SQL (audit_verify.go).
package storage
