package storage

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// Database kinds, as Kind reports them.
const (
	KindSQLite   = "sqlite"
	KindPostgres = "postgres"
	KindMySQL    = "mysql"
)

// dialect picks the GORM dialector for a PIPBOT_DB value and reports its kind.
func dialect(dsn string) (gorm.Dialector, string, error) {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return nil, "", errors.New(`database URL needs a scheme: "sqlite://", "postgres://" or "mysql://"`)
	}
	switch strings.ToLower(scheme) {
	case "sqlite":
		d, err := sqliteDSN(rest)
		if err != nil {
			return nil, "", err
		}
		return sqlite.Open(d), KindSQLite, nil
	case "postgres", "postgresql":
		return postgres.Open(dsn), KindPostgres, nil
	case "mysql":
		d, err := mysqlDSN(dsn)
		if err != nil {
			return nil, "", err
		}
		ms := 3 // DATETIME(3): the store's millisecond precision
		return mysql.New(mysql.Config{DSN: d, DefaultDatetimePrecision: &ms}), KindMySQL, nil
	default:
		return nil, "", fmt.Errorf("unsupported database scheme %q: use sqlite://, postgres:// or mysql://", scheme)
	}
}

// sqliteDSN turns the part after "sqlite://" (a relative or absolute path,
// ":memory:", optionally with driver parameters) into the driver's DSN with
// WAL, a busy timeout, foreign keys, synchronous=NORMAL and a 12 MiB page
// cache (SQLite's own default, 2 MiB, held a fraction of the reminders'
// indexes once a planning pass wrote 100,000 rows, and every insert read
// its pages back from the file; 32 MiB was no faster and took the pass
// past 150 MB of memory, and with the planner's own reader beside it 16
// MiB took it to 149 MB, 12 MiB to 141–146 MB in as much time).
func sqliteDSN(rest string) (string, error) {
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return "", errors.New("sqlite: empty path (use sqlite://pipbot.db or sqlite:///abs/path.db)")
	}
	// Our pragmas come first so that a user's own _pragma still wins.
	params := []string{
		"_pragma=" + url.QueryEscape("busy_timeout(5000)"),
		"_pragma=" + url.QueryEscape("journal_mode(WAL)"),
		"_pragma=" + url.QueryEscape("foreign_keys(1)"),
		"_pragma=" + url.QueryEscape("synchronous(NORMAL)"),
		"_pragma=" + url.QueryEscape("cache_size(-12288)"),
		"_txlock=immediate",
	}
	if query != "" {
		if _, err := url.ParseQuery(query); err != nil {
			return "", fmt.Errorf("sqlite: parameters: %w", err)
		}
		params = append(params, query)
	}
	return path + "?" + strings.Join(params, "&"), nil
}

// mysqlDSN converts mysql://user:pass@host:port/db?params into the
// go-sql-driver form user:pass@tcp(host:port)/db?params, with UTC times,
// utf8mb4 and found-rows semantics unless the URL says otherwise.
func mysqlDSN(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("mysql: parse URL: %w", withoutURL(err))
	}
	if u.Hostname() == "" {
		return "", errors.New("mysql: URL has no host")
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		return "", errors.New("mysql: URL needs one database name as its path (mysql://user:pass@host:3306/pipbot)")
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "3306")
	}
	params := url.Values{
		"parseTime":       {"true"},
		"charset":         {"utf8mb4"},
		"loc":             {"UTC"},
		"clientFoundRows": {"true"}, // RowsAffected counts matched rows, as on the other databases
	}
	for k, v := range u.Query() {
		params[k] = v
	}
	var b strings.Builder
	if u.User != nil {
		b.WriteString(u.User.Username())
		if pass, ok := u.User.Password(); ok {
			b.WriteString(":" + pass)
		}
		b.WriteString("@")
	}
	fmt.Fprintf(&b, "tcp(%s)/%s?%s", host, db, params.Encode())
	return b.String(), nil
}

// withoutURL drops the URL, password included, that a *url.Error repeats,
// keeping its cause, so that a bad PIPBOT_DB or PIPBOT_REDIS never puts a
// secret in a log.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
