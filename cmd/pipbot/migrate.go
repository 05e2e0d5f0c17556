package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/pipbot/pipbot/config"
	"github.com/pipbot/pipbot/storage"
)

// runMigrate is `pipbot migrate`: create or update the schema of PIPBOT_DB
// and say which database it was, password masked. serve migrates at start
// too; this is for deployments that run migrations as a separate step.
func runMigrate(ctx context.Context, e *env, args []string) (err error) {
	if help, err := parseFlags(e.flags("migrate"), args); help || err != nil {
		return err
	}
	log := newLogger(e.stderr, false, slog.LevelWarn).With("component", "migrate")
	cfg, _, err := loadConfig(e)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "migrated %s database %s\n", db.Kind(), config.RedactURL(cfg.DB))
	return err
}
