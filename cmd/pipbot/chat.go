package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/pipbot/pipbot/adapters/console"
	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/config"
)

// runChat is `pipbot chat`: the real engine on a fresh SQLite file and an
// embedded Redis, driven from the terminal as the demo organisation. It
// needs no set-up and never touches PIPBOT_DB; --db keeps the demo in a
// database of your choice instead.
func runChat(ctx context.Context, e *env, args []string) (err error) {
	fs := e.flags("chat")
	var dsn string
	fs.StringVar(&dsn, "db", "", "keep the demo in this database `DSN` (default: a temporary SQLite file, deleted on exit)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	// Warnings only, as text: the chat screen is for the conversation.
	log := newLogger(e.stderr, false, slog.LevelWarn)
	cfg, err := chatConfig(e, log)
	if err != nil {
		return err
	}
	where := "数据库 · database: " + config.RedactURL(dsn) + "（保留 · kept）"
	if dsn == "" {
		dir, err := os.MkdirTemp("", "pipbot-demo-")
		if err != nil {
			return fmt.Errorf("create demo directory: %w", err)
		}
		defer os.RemoveAll(dir) // after the app is closed: defers run last in, first out
		dsn = "sqlite://" + filepath.Join(dir, "demo.db")
		where = "数据库 · database: 临时，退出即删除 · temporary, deleted on exit"
	}
	cfg.DB, cfg.Redis = dsn, ""
	cfg.HR = append(cfg.HR, demoHR...)

	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.Close()) }()
	people := demoPeople()
	if err := seedDemo(ctx, a.db, people, time.Now()); err != nil {
		return err
	}
	if err := writeBanner(e.stdout, where); err != nil {
		return err
	}
	locale, _ := bot.ParseLocale(cfg.Locale) // validated by chatConfig
	c := console.New(a.engine, console.Options{
		In:     e.stdin,
		Out:    e.stdout,
		Tenant: demoTenant,
		People: people,
		Locale: locale,
		Clock:  time.Now,
		TZ:     cfg.Location(),
		Echo:   !isTerminal(e.stdin),
		Log:    log,
	})
	err = c.Run(ctx)
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil // Ctrl-C ends the demo like /quit
	}
	return err
}

// chatConfig loads what the demo uses: the time zone, the language and HR
// from a file. The database, Redis and platform variables are hidden from
// config.Load, so that neither a real PIPBOT_DB nor a half-configured Slack
// app stands in the way of a demo. A broken ./pipbot.yaml belongs to a
// deployment and is ignored with a warning; a file named by --config or
// PIPBOT_CONFIG, or a bad PIPBOT_TZ or PIPBOT_LOCALE, is an error.
func chatConfig(e *env, log *slog.Logger) (config.Config, error) {
	getenv := func(key string) string {
		switch key {
		case "PIPBOT_TZ", "PIPBOT_LOCALE", "PIPBOT_CONFIG":
			return e.getenv(key)
		}
		return ""
	}
	cfg, err := config.Load(getenv, e.configPath)
	if err == nil || e.configPath != "" || getenv("PIPBOT_CONFIG") != "" {
		return cfg, err
	}
	cfg = config.Default()
	if v := getenv("PIPBOT_TZ"); v != "" {
		cfg.TZ = v
	}
	if v := getenv("PIPBOT_LOCALE"); v != "" {
		cfg.Locale = v
	}
	if verr := cfg.Validate(); verr != nil {
		return config.Config{}, fmt.Errorf("invalid configuration:\n%w", verr)
	}
	log.Warn("ignoring the configuration file for the demo", "component", "chat", "file", config.DefaultFile, "err", err)
	return cfg, nil
}

// isTerminal reports whether r is an interactive terminal; piped or
// scripted input is not, and then the console echoes what it reads.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
