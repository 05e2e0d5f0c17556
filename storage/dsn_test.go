package storage

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/bot"
)

func TestMySQLDSN(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"mysql://root@127.0.0.1:3306/test",
			"root@tcp(127.0.0.1:3306)/test?charset=utf8mb4&clientFoundRows=true&loc=UTC&parseTime=true"},
		{"mysql://pip:s%40cret@db.internal/pipbot?tls=true&charset=utf8",
			"pip:s@cret@tcp(db.internal:3306)/pipbot?charset=utf8&clientFoundRows=true&loc=UTC&parseTime=true&tls=true"},
		{"mysql://pip:@db:3307/pipbot",
			"pip:@tcp(db:3307)/pipbot?charset=utf8mb4&clientFoundRows=true&loc=UTC&parseTime=true"},
	} {
		got, err := mysqlDSN(tc.in)
		if err != nil {
			t.Errorf("mysqlDSN(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("mysqlDSN(%q)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestSQLiteDSN(t *testing.T) {
	const pragmas = "_pragma=busy_timeout%285000%29&_pragma=journal_mode%28WAL%29&_pragma=foreign_keys%281%29&_pragma=synchronous%28NORMAL%29&_pragma=cache_size%28-12288%29&_txlock=immediate"
	for _, tc := range []struct{ in, want string }{
		{"pipbot.db", "pipbot.db?" + pragmas},
		{"/var/lib/pipbot/pipbot.db", "/var/lib/pipbot/pipbot.db?" + pragmas},
		{":memory:", ":memory:?" + pragmas},
		{"data/p.db?_pragma=cache_size(-2000)", "data/p.db?" + pragmas + "&_pragma=cache_size(-2000)"},
	} {
		got, err := sqliteDSN(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("sqliteDSN(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	for _, dsn := range []string{
		"",
		"pipbot.db",
		"oracle://scott@db/orcl",
		"sqlite://",
		"mysql://root@127.0.0.1:3306/",
		"mysql:///pipbot",
	} {
		db, err := Open(t.Context(), dsn, nil)
		if err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", dsn)
		}
	}
	_, err := Open(t.Context(), "mysql://pip:hunter2@[::1/x", nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open(bad mysql URL) = %v; want an error without the password", err)
	}
}

// TestSQLiteSettings checks that a file database gets the pragmas Open
// promises, and that :memory: works for quick tests.
func TestSQLiteSettings(t *testing.T) {
	db := openTestDB(t, "sqlite://"+filepath.Join(t.TempDir(), "p.db"))
	if db.Kind() != KindSQLite {
		t.Errorf("Kind = %q", db.Kind())
	}
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "busy_timeout": "5000", "foreign_keys": "1", "synchronous": "1", "cache_size": "-12288",
	} {
		var got string
		if err := db.gdb.Raw("PRAGMA " + pragma).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}

	mem := openTestDB(t, "sqlite://:memory:")
	p := mustCreate(t, mem, newPlan("t", "e", "m"))
	if _, err := mem.PlanByID(t.Context(), "t", p.ID); err != nil {
		t.Fatalf(":memory: lost its plan: %v", err)
	}
}

// TestLogsNoContent makes statements fail and checks that their log lines
// name the statement but none of its values.
func TestLogsNoContent(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()
	db, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "p.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// No tables: every statement fails.
	err = db.AddNote(ctx, &bot.Note{Tenant: "SECRET-TENANT", PlanID: 1, Text: "SECRET-TEXT"})
	if err == nil {
		t.Fatal("AddNote on an empty database succeeded")
	}
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		t.Error("a missing table must not look like a missing record")
	}
	if _, err := db.PlanByNumber(ctx, "SECRET-TENANT", 1); err == nil {
		t.Fatal("PlanByNumber on an empty database succeeded")
	}
	out := buf.String()
	for _, want := range []string{"sql statement failed", "INSERT INTO `coaching_notes`", "SELECT * FROM `plans`"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "SECRET") {
		t.Errorf("log contains values:\n%s", out)
	}
}
