package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/pipbot/pipbot/adapters/export"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage"
)

// runExport is `pipbot export --tenant T [--plan N] [--format xlsx|csv]
// [--status S,…] [--lang zh|en] -o FILE`: the tables "导出" sends in chat,
// written to FILE (CSV: one file per table, FILE's name plus the table's),
// with every sheet, as HR sees them. The export is audited under the
// operator's name. It reads the database as it is: it does not migrate.
func runExport(ctx context.Context, e *env, args []string) (err error) {
	fs := e.flags("export")
	tenant := fs.String("tenant", "", "the `TENANT` to export, as stored: lark:<tenant_key>, slack:<team_id>")
	plan := fs.Int("plan", 0, "export only plan `N` (its short number); default every plan")
	format := fs.String("format", bot.FormatXLSX, "`FORMAT`: xlsx (one workbook) or csv (one file per table)")
	statuses := fs.String("status", "", "with every plan: only these `STATUSES`, comma-separated (default all but deleted)")
	lang := fs.String("lang", "", "headers' language, zh or en (default PIPBOT_LOCALE)")
	out := fs.String("o", "", "write to `FILE`")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	o, err := exportOptions(*tenant, *plan, *format, *statuses, *lang, *out)
	if err != nil {
		return err
	}
	cfg, _, err := loadConfig(e)
	if err != nil {
		return err
	}
	if o.Locale == "" {
		o.Locale, _ = bot.ParseLocale(cfg.Locale)
	}
	o.TZ, o.By = cfg.Location(), "cli:"+operator(e)
	log := newLogger(e.stderr, false, slog.LevelWarn).With("component", "export")
	db, err := storage.Open(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	start := time.Now()
	eng := bot.New(bot.Options{Store: db, Log: log, Locale: o.Locale, TZ: o.TZ})
	att, err := eng.Export(ctx, o)
	if err != nil {
		return err
	}
	files, err := export.Encode(att)
	if err != nil {
		return err
	}
	for _, f := range files {
		path := *out
		if att.Format == bot.FormatCSV {
			path = strings.TrimSuffix(*out, filepath.Ext(*out)) + "-" + strings.TrimPrefix(f.Name, att.Name+"-")
		}
		if err := os.WriteFile(path, f.Data, 0o600); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		rows := 0
		for _, t := range att.Tables {
			rows += len(t.Rows)
		}
		if _, err := fmt.Fprintf(e.stdout, "wrote %s: %d bytes, %d tables, %d rows, in %s\n",
			path, len(f.Data), len(att.Tables), rows, time.Since(start).Round(time.Millisecond)); err != nil {
			return err
		}
	}
	return nil
}

// exportOptions checks the flags and turns them into the engine's options.
func exportOptions(tenant string, plan int, format, statuses, lang, out string) (bot.ExportOptions, error) {
	var errs []error
	if tenant == "" {
		errs = append(errs, errors.New("export: --tenant is required"))
	}
	if out == "" {
		errs = append(errs, errors.New("export: -o FILE is required"))
	}
	if plan < 0 {
		errs = append(errs, fmt.Errorf("export: --plan %d is not a plan number", plan))
	}
	if format != bot.FormatXLSX && format != bot.FormatCSV {
		errs = append(errs, fmt.Errorf("export: --format %q: want xlsx or csv", format))
	}
	o := bot.ExportOptions{Tenant: tenant, Plan: plan, Format: format}
	if lang != "" {
		l, ok := bot.ParseLocale(lang)
		if !ok {
			errs = append(errs, fmt.Errorf("export: --lang %q: want zh or en", lang))
		}
		o.Locale = l
	}
	for s := range strings.SplitSeq(statuses, ",") {
		switch st := bot.Status(strings.TrimSpace(s)); st {
		case "":
		case bot.StatusDraft, bot.StatusSubmitted, bot.StatusApproved, bot.StatusActive, bot.StatusClosed, bot.StatusCancelled, bot.StatusDeleted:
			o.Statuses = append(o.Statuses, st)
		default:
			errs = append(errs, fmt.Errorf("export: --status %q: want draft, submitted, approved, active, closed, cancelled or deleted", s))
		}
	}
	return o, errors.Join(errs...)
}

// operator is who runs the command, for the audit log.
func operator(e *env) string {
	if u := e.getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}
