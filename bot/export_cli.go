package bot

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// ExportOptions is an export made outside chat (`pipbot export`) by an
// operator with access to the database, who sees every sheet, as HR does.
type ExportOptions struct {
	Tenant   string
	Plan     int      // one plan's number; 0 for every plan
	Statuses []Status // with Plan 0: only these (default: all but deleted)
	Format   string   // FormatXLSX (default) or FormatCSV
	Locale   Locale   // headers' language; "" for the tenant default
	TZ       *time.Location
	By       string // who ran it, for the audit log: "cli:alice"
}

// Export builds the tables of one plan or of every plan of a tenant and
// audits it, as "导出" does in chat, for the command line.
func (e *Engine) Export(ctx context.Context, o ExportOptions) (*Attachment, error) {
	if o.Tenant == "" || o.By == "" {
		return nil, fmt.Errorf("export: tenant and operator are required")
	}
	if o.Format == "" {
		o.Format = FormatXLSX
	}
	if o.Format != FormatXLSX && o.Format != FormatCSV {
		return nil, fmt.Errorf("export: unknown format %q (xlsx or csv)", o.Format)
	}
	r := &request{cmd: Command{Tenant: o.Tenant, Platform: "cli"}, actor: Person{Tenant: o.Tenant, ID: o.By},
		isHR: true, loc: o.Locale, tz: o.TZ, now: e.now()}
	if r.loc == "" {
		r.loc = e.locale
	}
	if r.tz == nil {
		r.tz = e.tz
	}
	var plans []*Plan
	if o.Plan > 0 {
		p, err := e.store.PlanByNumber(ctx, o.Tenant, o.Plan)
		if err != nil {
			return nil, fmt.Errorf("export plan %d: %w", o.Plan, err)
		}
		plans = []*Plan{p}
	} else {
		all, err := e.store.ListPlans(ctx, o.Tenant, PlanQuery{Statuses: o.Statuses})
		if err != nil {
			return nil, fmt.Errorf("export: list plans: %w", err)
		}
		if plans = all; len(o.Statuses) == 0 {
			plans = withoutDeleted(all)
		}
	}
	b := e.newTableBuilder(r, true, o.Plan == 0)
	if err := b.preload(ctx, plans); err != nil {
		return nil, err
	}
	n := len(plans)
	var first *Plan
	if o.Plan > 0 {
		first = plans[0]
	}
	if err := b.addAll(ctx, plans); err != nil {
		return nil, err
	}
	att := &Attachment{Name: r.tr("export.file_all", r.now.In(r.tz).Format("20060102")), Format: o.Format, Tables: b.tables()}
	entry := r.tenantAudit(RoleHRAdmin, "org.export", "", o.Format, strconv.Itoa(n)+" plans")
	if o.Plan > 0 {
		att.Name = r.tr("export.file_plan", o.Plan)
		entry = r.audit(first, RoleHRAdmin, "plan.export", "", o.Format, strconv.Itoa(len(att.Tables))+" tables")
	}
	if err := e.commit(ctx, r, func(tx Store) error { return tx.AppendAudit(ctx, entry) }); err != nil {
		return nil, fmt.Errorf("export: audit: %w", err)
	}
	return att, nil
}
