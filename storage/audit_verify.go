package storage

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/pipbot/pipbot/bot"
)

// verifyPage is how many audit rows VerifyAudit reads per query when it
// walks a whole chain, so that a tenant's millions of entries are streamed,
// never held at once.
const verifyPage = 1000

// neighbourChunk bounds the seq IN (…) list of one neighbour query.
const neighbourChunk = 500

// What AuditCheck.Broken says about the first broken entry.
const (
	brokenHash    = "hash"    // its content, or the head, disagrees with its Hash
	brokenLink    = "link"    // its PrevHash is not its predecessor's Hash, or it lies past the head
	brokenMissing = "missing" // no entry has the place BrokenSeq (BrokenID is 0)
)

// VerifyAudit checks the tenant's hash chain and reports its first broken
// entry. With planID 0 it walks the whole chain in seq order (verifyPage
// rows per query): each entry's hash, that it follows the previous one (Seq
// one more, PrevHash its Hash), that the chain ends where the head says, and
// that no entry lies past the head. With a planID it checks only that
// plan's entries and their links to their two neighbours, in a few indexed
// queries (verifyPlan). A gap in seq is "missing" at the first absent seq,
// also when the newest entries are gone; an entry slipped in past the head,
// or following an entry that was changed and rehashed, is "link"; an entry
// whose content changed is "hash", and so is the newest entry when the
// head holds another hash.
func (db *DB) VerifyAudit(ctx context.Context, tenant string, planID int64) (bot.AuditCheck, error) {
	var (
		c   bot.AuditCheck
		err error
	)
	if planID == 0 {
		c, err = db.verifyTenant(ctx, tenant)
	} else {
		c, err = db.verifyPlan(ctx, tenant, planID)
	}
	if err != nil {
		return bot.AuditCheck{}, fmt.Errorf("verify audit chain of tenant %s: %w", tenant, err)
	}
	return c, nil
}

// verifyTenant walks the tenant's chain up to the head it reads first, then
// looks for entries past the head. It reads without a long transaction
// while appends go on: the head and its entry commit together, so the
// entries up to a head read are all visible, and an entry is legitimately
// past a head only if it was appended after the head was read.
func (db *DB) verifyTenant(ctx context.Context, tenant string) (bot.AuditCheck, error) {
	c := bot.AuditCheck{Tenant: tenant}
	head, err := db.auditHead(ctx, tenant)
	if err != nil {
		return c, err
	}
	var (
		last  auditRow                 // the last entry walked; Seq 0 and no Hash before the first
		after int64    = math.MinInt64 // keyset: rows with a seq above this one
	)
	for {
		var rows []auditRow
		err := db.conn(ctx).Where("tenant = ? AND seq > ? AND seq <= ?", tenant, after, head.Seq).
			Order("seq").Limit(verifyPage).Find(&rows).Error
		if err != nil {
			return c, err
		}
		if len(rows) == 0 {
			break
		}
		for i := range rows {
			r := &rows[i]
			c.Checked++
			if broken := checkRow(r, last.Seq, last.Hash); broken != "" {
				if broken == brokenMissing {
					return breakAt(c, broken, last.Seq+1, 0), nil
				}
				return breakAt(c, broken, r.Seq, r.ID), nil
			}
			last, after = *r, r.Seq
		}
	}
	switch {
	case last.Seq < head.Seq: // the newest entries are gone
		return breakAt(c, brokenMissing, last.Seq+1, 0), nil
	case last.Hash != head.Hash: // the newest entry was changed and rehashed
		if last.ID == 0 {
			return breakAt(c, brokenMissing, 1, 0), nil
		}
		return breakAt(c, brokenHash, last.Seq, last.ID), nil
	}
	return db.checkPastHead(ctx, c)
}

// checkPastHead reports the first entry past the tenant's head, which was
// slipped in (or the head was removed). It reads the highest entry before
// the head, so an entry appended in between is not taken for one.
func (db *DB) checkPastHead(ctx context.Context, c bot.AuditCheck) (bot.AuditCheck, error) {
	g := db.conn(ctx)
	var top auditRow
	err := g.Select("seq").Where("tenant = ?", c.Tenant).Order("seq DESC").Limit(1).Find(&top).Error
	if err != nil {
		return c, fmt.Errorf("find the newest entry: %w", err)
	}
	head, err := db.auditHead(ctx, c.Tenant)
	if err != nil || top.Seq <= head.Seq {
		return c, err
	}
	var r auditRow
	if err := g.Where("tenant = ? AND seq > ?", c.Tenant, head.Seq).Order("seq").Take(&r).Error; err != nil {
		return c, fmt.Errorf("find the entry after the head: %w", err)
	}
	return breakAt(c, brokenLink, r.Seq, r.ID), nil
}

// checkRow checks one entry against the one before it in the chain (seq 0
// and no hash before the first), in the order of the places they concern:
// entries absent before it, then its hash, then that it comes next.
func checkRow(r *auditRow, prevSeq int64, prevHash string) string {
	e := r.entry()
	switch {
	case r.Seq > prevSeq+1:
		return brokenMissing
	case e.ComputeHash() != r.Hash:
		return brokenHash
	case r.Seq != prevSeq+1 || r.PrevHash != prevHash:
		return brokenLink
	}
	return ""
}

func breakAt(c bot.AuditCheck, broken string, seq, id int64) bot.AuditCheck {
	c.Broken, c.BrokenSeq, c.BrokenID = broken, seq, id
	return c
}

// verifyPlan checks each of the plan's entries, in seq order: its hash; that
// its predecessor (seq − 1) exists and has the Hash it names as PrevHash;
// that its successor (seq + 1) exists and names its Hash, or, for the newest
// entry, that the head holds its Hash. Three queries: the plan's entries,
// the head, and the neighbours by the unique (tenant, seq) index. An entry
// of another plan removed between two entries of other plans is not seen
// here; the whole walk (planID 0) sees every gap.
func (db *DB) verifyPlan(ctx context.Context, tenant string, planID int64) (bot.AuditCheck, error) {
	c := bot.AuditCheck{Tenant: tenant}
	var rows []auditRow
	err := db.conn(ctx).Where("tenant = ? AND plan_id = ?", tenant, planID).Order("seq").Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return c, err
	}
	// The head after the entries, the neighbours after the head: an entry
	// appended meanwhile is then either past the head read or visible.
	head, err := db.auditHead(ctx, tenant)
	if err != nil {
		return c, err
	}
	bySeq, err := db.neighbours(ctx, tenant, rows, head.Seq)
	if err != nil {
		return c, err
	}
	for i := range rows {
		r := &rows[i]
		c.Checked++
		if broken, seq, id := checkInPlace(r, bySeq, head); broken != "" {
			return breakAt(c, broken, seq, id), nil
		}
	}
	return c, nil
}

// checkInPlace checks one entry against its neighbours in bySeq and the
// head, and names what is broken first, in the order of the places
// concerned, as the whole walk would: an absent predecessor, its hash, its
// place outside the chain (past the head, or below 1), its link to its
// predecessor, then its successor (absent, or naming another PrevHash) or,
// for the newest entry, the head's hash.
func checkInPlace(r *auditRow, bySeq map[int64]auditRow, head auditHeadRow) (broken string, seq, id int64) {
	prev, hasPrev := bySeq[r.Seq-1]
	inChain := r.Seq >= 1 && r.Seq <= head.Seq
	e := r.entry()
	switch {
	case inChain && r.Seq > 1 && !hasPrev:
		return brokenMissing, r.Seq - 1, 0
	case e.ComputeHash() != r.Hash:
		return brokenHash, r.Seq, r.ID
	case !inChain:
		return brokenLink, r.Seq, r.ID
	case r.Seq == 1 && r.PrevHash != "", r.Seq > 1 && prev.Hash != r.PrevHash:
		return brokenLink, r.Seq, r.ID
	}
	if r.Seq == head.Seq {
		if head.Hash != r.Hash {
			return brokenHash, r.Seq, r.ID
		}
		return "", 0, 0
	}
	next, ok := bySeq[r.Seq+1]
	switch {
	case !ok:
		return brokenMissing, r.Seq + 1, 0
	case next.PrevHash != r.Hash:
		return brokenLink, next.Seq, next.ID
	}
	return "", 0, 0
}

// neighbours loads the plan's entries and the entries just before and
// after each of them (up to the head), keyed by seq.
func (db *DB) neighbours(ctx context.Context, tenant string, rows []auditRow, headSeq int64) (map[int64]auditRow, error) {
	bySeq := make(map[int64]auditRow, 3*len(rows))
	for _, r := range rows {
		bySeq[r.Seq] = r
	}
	var want []int64
	for _, r := range rows {
		for _, s := range []int64{r.Seq - 1, r.Seq + 1} {
			if _, ok := bySeq[s]; !ok && s >= 1 && s <= headSeq {
				want = append(want, s)
			}
		}
	}
	want = slices.Compact(slices.Sorted(slices.Values(want)))
	for chunk := range slices.Chunk(want, neighbourChunk) {
		var found []auditRow
		err := db.conn(ctx).Select("id", "seq", "prev_hash", "hash").
			Where("tenant = ? AND seq IN ?", tenant, chunk).Find(&found).Error
		if err != nil {
			return nil, fmt.Errorf("load neighbouring entries: %w", err)
		}
		for _, r := range found {
			bySeq[r.Seq] = r
		}
	}
	return bySeq, nil
}
