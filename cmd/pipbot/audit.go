package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage"
)

// runAudit is `pipbot audit verify [--tenant T]`: walk each tenant's audit
// hash chain (or T's alone) and print one line per tenant, OK or its first
// broken entry. It fails, so the exit status is 1, when a chain is broken,
// for a cron job or a monitoring check. It reads only: it does not migrate.
func runAudit(ctx context.Context, e *env, args []string) (err error) {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("audit: want 'verify [--tenant T]'")
	}
	fs := e.flags("audit verify")
	tenant := fs.String("tenant", "", "verify only this `TENANT`'s chain (default: every tenant with an audit log)")
	if help, err := parseFlags(fs, args[1:]); help || err != nil {
		return err
	}
	cfg, _, err := loadConfig(e)
	if err != nil {
		return err
	}
	log := newLogger(e.stderr, false, slog.LevelWarn).With("component", "audit")
	db, err := storage.Open(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()

	tenants := []string{*tenant}
	if *tenant == "" {
		if tenants, err = db.AuditTenants(ctx); err != nil {
			return err
		}
	}
	if len(tenants) == 0 {
		_, err := fmt.Fprintln(e.stdout, "no audit log yet")
		return err
	}
	broken := 0
	for _, t := range tenants {
		c, err := db.VerifyAudit(ctx, t, 0)
		if err != nil {
			return err
		}
		if !c.OK() {
			broken++
		}
		if _, err := fmt.Fprintln(e.stdout, describeCheck(ctx, db, c)); err != nil {
			return err
		}
	}
	if broken > 0 {
		return fmt.Errorf("audit verify: the audit chain of %d of %d tenants is broken", broken, len(tenants))
	}
	return nil
}

// brokenMeaning explains AuditCheck.Broken to whoever reads the output.
var brokenMeaning = map[string]string{
	"hash":    "its content is not what was sealed",
	"link":    "it does not follow the entry before it, or lies past the chain's end",
	"missing": "no entry has this place in the chain",
}

// describeCheck is a tenant's line of `pipbot audit verify`: how many
// entries were checked and OK, or where the chain first breaks, with the
// broken row's plan, action and time when there is a row.
func describeCheck(ctx context.Context, db *storage.DB, c bot.AuditCheck) string {
	line := fmt.Sprintf("%s: %d entries checked, ", c.Tenant, c.Checked)
	if c.OK() {
		return line + "OK"
	}
	line += fmt.Sprintf("BROKEN at seq %d (%s: %s)", c.BrokenSeq, c.Broken, brokenMeaning[c.Broken])
	if c.BrokenID == 0 {
		return line
	}
	line += fmt.Sprintf(": row %d", c.BrokenID)
	if e, err := db.AuditEntry(ctx, c.Tenant, c.BrokenID); err == nil {
		line += fmt.Sprintf(", plan id %d, %s at %s", e.PlanID, e.Action, e.At.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
	}
	return line
}
