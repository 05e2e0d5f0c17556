package bot

import (
	"context"
	"strings"
	"time"
)

// cmdAudit shows a plan's audit log to its managers and HR ("审计 12"), or
// the tenant's own entries to HR ("审计 组织": HR grants, reporting lines,
// team groups): action names in the reader's language, times in their
// zone, people by name, and a warning when the hash chain does not verify.
func (e *Engine) cmdAudit(ctx context.Context, r *request, args []string) ([]Reply, error) {
	if len(args) == 1 && isWord(args[0], "org", "organisation", "organization", "组织", "全局") {
		if _, err := e.tenantAuthorize(ctx, r, OpAuditOrg); err != nil {
			return nil, err
		}
		return e.auditView(ctx, r, 0, r.tr("audit.org_title"))
	}
	ref, _, err := planArg(args)
	if err != nil {
		return nil, err
	}
	p, _, err := e.planFor(ctx, r, ref, OpAudit)
	if err != nil {
		return nil, err
	}
	return e.auditView(ctx, r, p.ID, r.tr("audit.title", p.Number))
}

// auditView renders the entries of plan id planID (0: the tenant's own).
func (e *Engine) auditView(ctx context.Context, r *request, planID int64, title string) ([]Reply, error) {
	entries, err := e.store.Audit(ctx, r.cmd.Tenant, planID)
	if err != nil {
		return nil, err
	}
	check, err := e.store.VerifyAudit(ctx, r.cmd.Tenant, planID)
	if err != nil {
		return nil, err
	}
	m := Message{Title: title}
	if !check.OK() {
		m.Color = ColorRed
		why := map[string]string{"hash": "audit.broken_hash", "link": "audit.broken_link", "missing": "audit.broken_missing"}[check.Broken]
		if why == "" {
			why = "audit.broken_link"
		}
		m.Blocks = append(m.Blocks, Text{Body: "⚠️ " + r.tr("audit.broken", check.BrokenSeq, r.tr(why))})
	}
	var lines []string
	for _, a := range entries {
		line := formatTime(r.loc, a.At, r.tz) + " · " + e.name(ctx, r.cmd.Tenant, a.ActorID) +
			" (" + enumText(r.loc, "role", string(a.Role)) + ", " + enumText(r.loc, "platform", a.Platform) + ") · " + auditAction(r.loc, a.Action)
		if a.From != "" || a.To != "" {
			line += " · " + e.auditValue(ctx, r, a.From) + " → " + e.auditValue(ctx, r, a.To)
		}
		if a.Detail != "" && (a.Action == "plan.approve" || a.Action == "plan.forward") {
			line += " · " + enumText(r.loc, "stage", a.Detail)
		} else if a.Detail != "" {
			line += " · " + e.auditValue(ctx, r, a.Detail)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		lines = []string{r.tr("audit.none")}
	}
	m.Blocks = append(m.Blocks, Text{Body: strings.Join(lines, "\n")}, Context(r.tr("audit.readonly", check.Checked)))
	return []Reply{r.reply(m)}, nil
}

// auditAction is an action's name in the reader's language, or the code.
func auditAction(l Locale, action string) string {
	return enumText(l, "act", action)
}

// auditValue shows a recorded value for a reader: statuses, outcomes and
// roles by name, instants in the reader's zone, people by name; anything
// else as written.
func (e *Engine) auditValue(ctx context.Context, r *request, v string) string {
	if v == "" {
		return "-"
	}
	for _, kind := range []string{"status", "outcome", "role", "adjust", "interview", "note", "type", "stage", "action", "risk"} {
		if s := enumText(r.loc, kind, v); s != v {
			return s
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return formatTime(r.loc, t, r.tz)
	}
	switch v {
	case "true":
		return r.tr("bool.true")
	case "false":
		return r.tr("bool.false")
	}
	if !strings.ContainsAny(v, " \n") {
		if p, err := e.store.Person(ctx, r.cmd.Tenant, v); err == nil && p.Name != "" {
			return p.Name
		}
	}
	return v
}
