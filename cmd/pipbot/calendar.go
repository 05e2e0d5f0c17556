package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/scheduler/calendar"
	"github.com/pipbot/pipbot/storage"
)

// runCalendar is `pipbot calendar [YEAR] [--region R] [--lang zh|en]`: the
// year's holidays and make-up working days, official (compiled in, from
// PIPBOT_HOLIDAYS or imported) or provisional; and `pipbot calendar import`.
func runCalendar(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "import" {
		return runCalendarImport(ctx, e, args[1:])
	}
	year := e.now().Year()
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		y, err := strconv.Atoi(args[0])
		if err != nil || y < 1900 || y > 2200 {
			return fmt.Errorf("calendar: %q is not a year", args[0])
		}
		year, args = y, args[1:]
	}
	fs := e.flags("calendar")
	region := fs.String("region", "CN", "calendar `REGION`: CN (official, with 调休) or another code (weekends only)")
	lang := fs.String("lang", "", "language, zh or en (default PIPBOT_LOCALE)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	cfg, _, err := loadConfig(e)
	if err != nil {
		return err
	}
	if *lang == "" {
		*lang = cfg.Locale
	}
	log := newLogger(e.stderr, false, slog.LevelWarn)
	cal, db, err := openCalendar(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := cal.Print(e.stdout, *region, year, *lang); err != nil {
		return err
	}
	// Each warning once: the printed year's own status already says it,
	// and New logs none.
	for _, y := range cal.Unpublished(e.now()) {
		if cn := strings.EqualFold(strings.TrimSpace(*region), calendar.RegionCN); cn && y != year {
			fmt.Fprintf(e.stdout, "\n%s %s\n", say(*lang, "注意：", "Warning:"), calendar.UnpublishedWarning(y, *lang))
		}
	}
	return nil
}

// openCalendar builds the calendar as serve does: overrides, then the
// holiday years of PIPBOT_HOLIDAYS and the database, which it opens (and
// migrates); the caller closes it.
func openCalendar(ctx context.Context, cfg config.Config, log *slog.Logger) (*calendar.Calendar, *storage.DB, error) {
	var overrides map[string][]calendar.Override
	if cfg.Calendar != "" {
		var err error
		if overrides, err = calendar.LoadOverrides(cfg.Calendar); err != nil {
			return nil, nil, fmt.Errorf("PIPBOT_CALENDAR: %w", err)
		}
	}
	cal, err := calendar.New(calendar.Options{Log: log, Overrides: overrides})
	if err != nil {
		return nil, nil, err
	}
	db, err := storage.Open(ctx, cfg.DB, log)
	if err != nil {
		return nil, nil, err
	}
	err = db.Migrate(ctx)
	if err == nil {
		var list []calendar.Notice
		if list, err = holidayYears(ctx, cal, cfg.Holidays, db, log); err == nil {
			_, err = cal.SetNotices(list)
		}
	}
	if err != nil {
		return nil, nil, errors.Join(err, db.Close())
	}
	return cal, db, nil
}

// runCalendarImport is `pipbot calendar import [--replace] [--dry-run]
// FILE`: it checks a holiday file as PIPBOT_HOLIDAYS would be checked, and
// against the years already in force, prints each year for comparison with
// the notice, and stores the years in the database, where every replica of
// serve picks them up within holidayReload and re-plans pending reminders.
func runCalendarImport(ctx context.Context, e *env, args []string) (err error) {
	fs := e.flags("calendar import")
	replace := fs.Bool("replace", false, "allow replacing a year the compiled data already publishes with other days")
	dry := fs.Bool("dry-run", false, "check and show the file without storing it")
	lang := fs.String("lang", "", "language, zh or en (default PIPBOT_LOCALE)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("calendar import: name one holiday file (.yaml, .yml or .json)")
	}
	path := fs.Arg(0)
	cfg, _, err := loadConfig(e)
	if err != nil {
		return err
	}
	if *lang == "" {
		*lang = cfg.Locale
	}
	list, err := calendar.LoadNotices(path)
	if err != nil {
		return fmt.Errorf("calendar import: %w", err)
	}
	log := newLogger(e.stderr, false, slog.LevelWarn)
	cal, db, err := openCalendar(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	source := fmt.Sprintf("file %s, imported %s", filepath.Base(path), e.now().UTC().Format("2006-01-02 15:04 UTC"))
	next := cal.Notices()
	var store []storage.CalendarYear
	for _, n := range list {
		n.Replace = *replace
		same, err := cal.CheckNotice(n)
		if err != nil {
			return fmt.Errorf("calendar import: %w", err)
		}
		n.Source = source
		if same {
			fmt.Fprintf(e.stdout, say(*lang, "%d 年已在内置数据中，内容一致，无需导入。\n", "%d is in the compiled data already, with the same days; nothing to import.\n"), n.Year)
			continue
		}
		data, err := calendar.EncodeNotice(n)
		if err != nil {
			return err
		}
		store = append(store, storage.CalendarYear{Year: n.Year, Name: fmt.Sprintf("%d.json", n.Year), Data: data,
			Source: source, Replace: n.Replace, ImportedAt: e.now()})
		next = append(withoutYear(next, n.Year), n)
	}
	if _, err := cal.SetNotices(next); err != nil {
		return fmt.Errorf("calendar import: %w", err)
	}
	for _, y := range store {
		if err := cal.Print(e.stdout, calendar.RegionCN, y.Year, *lang); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout)
	}
	if *dry || len(store) == 0 {
		fmt.Fprintln(e.stdout, say(*lang, "未保存（检查模式或无新内容）。", "Nothing stored (dry run or nothing new)."))
		return nil
	}
	if err := db.SaveCalendarYears(ctx, store); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, say(*lang, "已保存 %d 个年份。运行中的 serve 在 %s 内载入并重新安排待发送的提醒。\n",
		"Stored %d year(s). Running serve replicas load them within %s and re-plan pending reminders.\n"), len(store), holidayReload)
	return nil
}

// withoutYear is list without the notice of year.
func withoutYear(list []calendar.Notice, year int) []calendar.Notice {
	out := list[:0:0]
	for _, n := range list {
		if n.Year != year {
			out = append(out, n)
		}
	}
	return out
}

// say picks the Chinese or English text for locale.
func say(locale, zh, en string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(locale)), "zh") {
		return zh
	}
	return en
}
