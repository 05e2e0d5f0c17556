package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipbot.db")
	dsn := "sqlite://" + path
	for range 2 { // idempotent
		out, _, err := runCmd(t, t.Context(), map[string]string{"PIPBOT_DB": dsn}, "", "migrate")
		if err != nil {
			t.Fatalf("migrate: %v", err)
		}
		if want := "migrated sqlite database " + dsn + "\n"; out != want {
			t.Errorf("migrate printed %q, want %q", out, want)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestMigrateBadDatabase(t *testing.T) {
	_, _, err := runCmd(t, t.Context(), map[string]string{"PIPBOT_DB": "sqlite://" + filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")}, "", "migrate")
	if err == nil || !strings.Contains(err.Error(), "sqlite") {
		t.Errorf("err = %v, want an error about the sqlite database", err)
	}
}
