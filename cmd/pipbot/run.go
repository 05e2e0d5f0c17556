package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/pipbot/pipbot/config"
)

// env is what a subcommand gets from the outside world. Tests fill it with
// a map-backed getenv and buffers, so they run the real program.
type env struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	// configPath is the --config flag ("" = config.Load's own choice).
	configPath string
	// now is the clock of commands that report on today (calendar's
	// warnings); tests stand it on another day.
	now func() time.Time
}

// command is one subcommand of the binary.
type command struct {
	name    string
	args    string // argument synopsis for the usage text
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands lists the implemented subcommands in the order usage shows them.
func commands() []command {
	return []command{
		{"serve", "[--config FILE]", "run the HTTP server for Feishu/Lark and Slack (/healthz, /readyz, /metrics)", runServe},
		{"chat", "[--config FILE] [--db DSN]", "chat with pipbot in the terminal as a demo organisation (fresh database unless --db)", runChat},
		{"migrate", "[--config FILE]", "create or update the database schema (PIPBOT_DB)", runMigrate},
		{"jobs", "list [--limit N] | run NAME [--at TIME] [--dry-run]", "the next reminders; who a job would remind at TIME (and send without --dry-run)", runJobs},
		{"audit", "verify [--tenant T]", "verify the audit log's hash chains; exit status 1 if one is broken", runAudit},
		{"export", "--tenant T [--plan N] [--format xlsx|csv] [--status S,…] [--lang zh|en] -o FILE", "write the plan tables (绩效改进表) of one plan or every plan of a tenant to an .xlsx workbook or CSV files", runExport},
		{"calendar", "[YEAR] [--region R] [--lang zh|en] | import [--replace] [--dry-run] FILE", "the working-day calendar of a year: holidays, make-up days, official or provisional; import loads a newly published year", runCalendar},
		{"version", "", "print the version", runVersion},
		{"help", "", "show this help", runHelp},
	}
}

// run is the whole program: it parses the global flags, picks the
// subcommand and runs it until it ends or ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}
	global := e.flags("pipbot")
	global.Usage = func() { usage(stderr) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	rest := global.Args()
	if len(rest) == 0 {
		usage(stdout)
		return nil
	}
	name, rest := rest[0], rest[1:]
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, e, rest)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", name)
}

// flags is a flag set for a subcommand with the shared --config/-c flag, so
// that it works before or after the subcommand name.
func (e *env) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.configPath, "config", e.configPath, "read settings from this YAML `FILE` (default ./pipbot.yaml or $PIPBOT_CONFIG)")
	fs.StringVar(&e.configPath, "c", e.configPath, "shorthand for --config")
	return fs
}

// parseFlags parses a subcommand's arguments; help is true for -h, which
// has already printed the flags. Extra arguments are an error.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, err
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("%s: unexpected arguments: %s", fs.Name(), strings.Join(fs.Args(), " "))
	}
	return false, nil
}

func runHelp(_ context.Context, e *env, _ []string) error {
	usage(e.stdout)
	return nil
}

// usage lists every implemented subcommand.
func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("pipbot runs performance-improvement plans (绩效改进计划) in Feishu/Lark and Slack.\n\n")
	b.WriteString("Usage:\n  pipbot [--config FILE] <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
		if c.args != "" {
			fmt.Fprintf(&b, "  %-8s   pipbot %s %s\n", "", c.name, c.args)
		}
	}
	b.WriteString("\nSettings come from defaults, then pipbot.yaml (or --config FILE, or $PIPBOT_CONFIG),\n")
	b.WriteString("then PIPBOT_*, SLACK_* and LARK_* environment variables.\n")
	b.WriteString("Try it without any set-up: pipbot chat\n")
	io.WriteString(w, b.String())
}

// newLogger logs to w with snake_case keys: JSON for the server, whose
// logs a machine reads, and text for the interactive commands.
func newLogger(w io.Writer, json bool, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if json {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loadConfig loads the configuration as every subcommand but chat does, and
// names the file it read ("" when only defaults and environment apply).
func loadConfig(e *env) (cfg config.Config, file string, err error) {
	cfg, err = config.Load(e.getenv, e.configPath)
	if err != nil {
		return config.Config{}, "", err
	}
	file = e.configPath
	if file == "" {
		file = config.DefaultPath(e.getenv)
	}
	if _, err := os.Stat(file); err != nil {
		file = ""
	}
	return cfg, file, nil
}
