package main

import (
	"context"
	"time"
)

// auditVerifyEvery is how often serve verifies every tenant's audit chain;
// app.auditEvery overrides it in tests.
const auditVerifyEvery = time.Hour

// watchAudit verifies every tenant's audit chain at once and then every
// a.auditEvery until ctx is done, and reports each in the gauge
// pipbot_audit_chain_ok, so that tampering with the audit log raises an
// alert within the hour.
func (a *app) watchAudit(ctx context.Context) {
	every := a.auditEvery
	if every <= 0 {
		every = auditVerifyEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		a.verifyAuditChains(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// verifyAuditChains verifies each tenant's whole chain once, sets its gauge
// and logs a broken one (where, not what: the entries are not logged).
func (a *app) verifyAuditChains(ctx context.Context) {
	log := a.log.With("component", "audit")
	tenants, err := a.db.AuditTenants(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("list audit tenants", "err", err)
		}
		return
	}
	broken := 0
	for _, tenant := range tenants {
		c, err := a.db.VerifyAudit(ctx, tenant, 0)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("verify audit chain", "tenant", tenant, "err", err)
			}
			continue
		}
		a.metrics.auditChecked(c)
		if !c.OK() {
			broken++
			log.Error("audit chain broken", "tenant", tenant, "broken", c.Broken,
				"seq", c.BrokenSeq, "row_id", c.BrokenID, "checked", c.Checked)
		}
	}
	log.Info("verified audit chains", "tenants", len(tenants), "broken", broken)
}
