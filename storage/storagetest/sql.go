package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// EachSQL runs fn as one subtest per SQL database, each given the DSN of a
// fresh, empty database: "sqlite" always, "postgres" and "mysql" when their
// variables are set (skipped otherwise, naming the variable).
func EachSQL(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, b := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", SQLite}, {"postgres", Postgres}, {"mysql", MySQL}} {
		t.Run(b.name, func(t *testing.T) { fn(t, b.dsn(t)) })
	}
}

// SQLite returns the DSN of a new SQLite file in the test's temporary
// directory.
func SQLite(t testing.TB) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "pipbot.db")
}

// Postgres creates a schema pipbot_t_<hex> in the database named by
// PIPBOT_TEST_POSTGRES and returns a DSN whose search_path is that schema;
// the schema is dropped at cleanup. It skips t when the variable is unset.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip(EnvPostgres + " is not set")
	}
	name := uniqueName(t)
	openAdmin(t, "pgx", base, "CREATE SCHEMA "+name, "DROP SCHEMA IF EXISTS "+name+" CASCADE")
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// MySQL creates a database pipbot_t_<hex> on the server named by
// PIPBOT_TEST_MYSQL (mysql://user:pass@host:port/db) and returns its
// mysql:// DSN; the database is dropped at cleanup. It skips t when the
// variable is unset.
func MySQL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvMySQL)
	if base == "" {
		t.Skip(EnvMySQL + " is not set")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvMySQL, err)
	}
	cfg := mysql.NewConfig()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	name := uniqueName(t)
	openAdmin(t, "mysql", cfg.FormatDSN(),
		"CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
		"DROP DATABASE IF EXISTS "+name)
	u.Path = "/" + name
	return u.String()
}

// openAdmin connects with an administrative DSN, runs create, and at cleanup
// runs drop and disconnects.
func openAdmin(t testing.TB, driver, dsn, create, drop string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	admin, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", driver, err)
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		_ = admin.Close()
		t.Fatalf("%s: %v", create, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, drop); err != nil {
			t.Errorf("%s: %v", drop, err)
		}
		_ = admin.Close()
	})
}

// uniqueName is pipbot_t_ and 12 random hex digits: a schema, database or
// key prefix no other test run uses.
func uniqueName(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "pipbot_t_" + strings.ToLower(hex.EncodeToString(b))
}
