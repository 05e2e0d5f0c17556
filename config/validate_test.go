package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// problems splits a Validate error into its lines.
func problems(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Config{
		Addr:   "8080",
		DB:     "foo://u:hunter2@x/db",
		Redis:  "localhost:6379",
		TZ:     "Mars/Base",
		Locale: "fr",
		HR:     []string{"bob", "teams:U1", "slack:U1"},
		Org:    "testdata/no-such-org.csv",
		Slack:  SlackConfig{BotToken: "xoxb-1", APIURL: "http://fake/api", ManagerField: "manager"},
		Lark:   LarkConfig{AppID: "cli_x", Domain: "ftp://x", Mode: "poll"},
	}
	got := problems(c.Validate())
	want := []string{
		`PIPBOT_ADDR: "8080" is not host:port (e.g. :8080 or 127.0.0.1:8080)`,
		`PIPBOT_DB: unsupported scheme "foo" (use sqlite://, postgres:// or mysql://)`,
		`PIPBOT_REDIS: must start with redis:// or rediss://`,
		`PIPBOT_TZ: unknown time zone "Mars/Base"`,
		`PIPBOT_LOCALE: must be zh or en (got "fr")`,
		`PIPBOT_HR: "bob" is not platform:id`,
		`PIPBOT_HR: "teams:U1": platform must be lark, slack or console`,
		`PIPBOT_ORG: read org file: open testdata/no-such-org.csv: no such file or directory`,
		`SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set (or set SLACK_APP_TOKEN for Socket Mode)`,
		`SLACK_API_URL: must end in /`,
		`SLACK_MANAGER_FIELD: "manager" is not a profile field id: want Xf followed by letters and digits, e.g. Xf0123ABCD (team.profile.get lists them)`,
		`LARK_APP_SECRET: required when LARK_APP_ID is set`,
		`LARK_DOMAIN: must be feishu, lark or an http(s) URL (got "ftp://x")`,
		`LARK_MODE: must be webhook or websocket (got "poll")`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate problems (-want +got):\n%s", diff)
	}
	if err := c.Validate(); strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Validate echoed the DB password: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // "" means valid; else the one expected problem
	}{
		{name: "defaults", change: func(*Config) {}},
		{name: "sqlite absolute path", change: func(c *Config) { c.DB = "sqlite:///var/lib/pipbot/pipbot.db" }},
		{name: "sqlite without path", change: func(c *Config) { c.DB = "sqlite://" }, want: "PIPBOT_DB: sqlite:// needs a file path, e.g. sqlite://pipbot.db"},
		{name: "postgres", change: func(c *Config) { c.DB = "postgres://u:p@h:5432/db?sslmode=disable" }},
		{name: "postgresql alias", change: func(c *Config) { c.DB = "postgresql://h/db" }},
		{name: "mysql", change: func(c *Config) { c.DB = "mysql://root@127.0.0.1:3306/test" }},
		{name: "postgres without host", change: func(c *Config) { c.DB = "postgres://" }, want: "PIPBOT_DB: postgres:// needs a host"},
		{name: "postgres bad escape", change: func(c *Config) { c.DB = "postgres://u:p%zz@h/db" }, want: "PIPBOT_DB: not a valid URL (percent-encode special characters in the password)"},
		{name: "no scheme", change: func(c *Config) { c.DB = "user:pass@tcp(h)/db" }, want: "PIPBOT_DB: missing scheme (use sqlite://, postgres:// or mysql://)"},
		{name: "redis", change: func(c *Config) { c.Redis = "redis://127.0.0.1:6379/0" }},
		{name: "rediss", change: func(c *Config) { c.Redis = "rediss://:pw@cache:6380/0" }},
		{name: "addr with host", change: func(c *Config) { c.Addr = "127.0.0.1:0" }},
		{name: "addr bad port", change: func(c *Config) { c.Addr = ":http" }, want: `PIPBOT_ADDR: port "http" is not a number from 0 to 65535`},
		{name: "addr empty", change: func(c *Config) { c.Addr = "" }, want: `PIPBOT_ADDR: "" is not host:port (e.g. :8080 or 127.0.0.1:8080)`},
		{name: "tz empty", change: func(c *Config) { c.TZ = "" }, want: "PIPBOT_TZ: must name a time zone such as Asia/Shanghai"},
		{name: "locale en", change: func(c *Config) { c.Locale = "en" }},
		{name: "hr console", change: func(c *Config) { c.HR = []string{"console:alice", "lark:ou_x"} }},
		{name: "hr empty id", change: func(c *Config) { c.HR = []string{"slack:"} }, want: `PIPBOT_HR: "slack:" is not platform:id`},
		{
			name:   "slack over HTTP",
			change: func(c *Config) { c.Slack = SlackConfig{BotToken: "xoxb-1", SigningSecret: "s"} },
		},
		{
			name:   "slack socket mode needs no signing secret",
			change: func(c *Config) { c.Slack = SlackConfig{BotToken: "xoxb-1", AppToken: "xapp-1"} },
		},
		{
			name:   "slack signing secret alone",
			change: func(c *Config) { c.Slack = SlackConfig{SigningSecret: "s"} },
			want:   "SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET is set",
		},
		{
			name:   "slack app token alone",
			change: func(c *Config) { c.Slack = SlackConfig{AppToken: "xapp-1"} },
			want:   "SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN is set",
		},
		{
			name:   "slack api url not a url",
			change: func(c *Config) { c.Slack.APIURL = "fake/api/" },
			want:   "SLACK_API_URL: must be an http(s) URL",
		},
		{name: "slack api url", change: func(c *Config) { c.Slack.APIURL = "http://127.0.0.1:1234/api/" }},
		{name: "slack manager field", change: func(c *Config) { c.Slack.ManagerField = "Xf0123ABCD" }},
		{name: "slack manager field lower case", change: func(c *Config) { c.Slack.ManagerField = "Xf06jug7c4au" }},
		{
			name:   "slack manager field alone",
			change: func(c *Config) { c.Slack.ManagerField = "Xf" },
			want:   `SLACK_MANAGER_FIELD: "Xf" is not a profile field id: want Xf followed by letters and digits, e.g. Xf0123ABCD (team.profile.get lists them)`,
		},
		{
			name:   "slack manager field lower-case prefix",
			change: func(c *Config) { c.Slack.ManagerField = "xf0123ABCD" },
			want:   `SLACK_MANAGER_FIELD: "xf0123ABCD" is not a profile field id: want Xf followed by letters and digits, e.g. Xf0123ABCD (team.profile.get lists them)`,
		},
		{
			name:   "slack manager field a user id",
			change: func(c *Config) { c.Slack.ManagerField = "U0123ABCD" },
			want:   `SLACK_MANAGER_FIELD: "U0123ABCD" is not a profile field id: want Xf followed by letters and digits, e.g. Xf0123ABCD (team.profile.get lists them)`,
		},
		{
			name:   "slack manager field with a dash",
			change: func(c *Config) { c.Slack.ManagerField = "Xf01-23" },
			want:   `SLACK_MANAGER_FIELD: "Xf01-23" is not a profile field id: want Xf followed by letters and digits, e.g. Xf0123ABCD (team.profile.get lists them)`,
		},
		{name: "org csv", change: func(c *Config) { c.Org = "testdata/org.csv" }},
		{name: "org yaml", change: func(c *Config) { c.Org = "testdata/org.yaml" }},
		{
			name:   "org is a directory",
			change: func(c *Config) { c.Org = "testdata" },
			want:   "PIPBOT_ORG: read org file: read testdata: is a directory",
		},
		{
			name:   "lark webhook",
			change: func(c *Config) { c.Lark.AppID, c.Lark.AppSecret, c.Lark.EncryptKey = "cli", "s", "k" },
		},
		{
			name:   "lark webhook without encrypt key",
			change: func(c *Config) { c.Lark.AppID, c.Lark.AppSecret = "cli", "s" },
			want:   "LARK_ENCRYPT_KEY: required in webhook mode; without it the Lark SDK accepts unsigned callbacks",
		},
		{
			name:   "lark websocket without encrypt key",
			change: func(c *Config) { c.Lark.AppID, c.Lark.AppSecret, c.Lark.Mode = "cli", "s", "websocket" },
		},
		{
			name:   "lark secret alone",
			change: func(c *Config) { c.Lark.AppSecret = "s" },
			want:   "LARK_APP_ID: required when LARK_APP_SECRET is set",
		},
		{name: "lark domain lark", change: func(c *Config) { c.Lark.Domain = "lark" }},
		{name: "lark domain url", change: func(c *Config) { c.Lark.Domain = "http://127.0.0.1:9999" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if diff := cmp.Diff(want, problems(c.Validate())); diff != "" {
				t.Errorf("Validate problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateOrg(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "org.csv")
	data := "员工,上级,部门,HR\nslack:U1,,Eng,\nslack:U2,slack:U2,Eng,maybe\nslack:U1,,Eng,\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Default()
	c.Org = path
	want := []string{
		`PIPBOT_ORG: org.csv:3: employee "slack:U2" is their own manager`,
		`PIPBOT_ORG: org.csv:3: hr "maybe" is not yes or no (use true/false, yes/no, y/n, 1/0 or 是/否)`,
		`PIPBOT_ORG: org.csv:4: employee "slack:U1" is already listed on line 2`,
	}
	if diff := cmp.Diff(want, problems(c.Validate())); diff != "" {
		t.Errorf("Validate problems (-want +got):\n%s", diff)
	}

	c.Org = filepath.Join(dir, "missing.csv")
	if err := c.Validate(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Validate of a missing org file = %v, want it to wrap fs.ErrNotExist", err)
	}
}

func TestLoadWrapsValidation(t *testing.T) {
	inEmptyDir(t)
	_, err := Load(env(map[string]string{"PIPBOT_LOCALE": "fr", "PIPBOT_TZ": "Mars/Base"}), "")
	if err == nil {
		t.Fatal("Load accepted bad values")
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 2 {
		t.Errorf("Load error = %q, want both problems", err)
	}
}

func TestHelpers(t *testing.T) {
	tests := []struct {
		db, domain         string
		wantKind, wantLark string
	}{
		{"sqlite://pipbot.db", "feishu", "sqlite", "https://open.feishu.cn"},
		{"postgres://h/db", "lark", "postgres", "https://open.larksuite.com"},
		{"PostgreSQL://h/db", "http://127.0.0.1:9000/", "postgres", "http://127.0.0.1:9000"},
		{"mysql://h/db", "https://open.example.com", "mysql", "https://open.example.com"},
		{"foo://x", "", "", "https://open.feishu.cn"},
	}
	for _, tt := range tests {
		c := Config{DB: tt.db, Lark: LarkConfig{Domain: tt.domain}}
		if got := c.DBKind(); got != tt.wantKind {
			t.Errorf("DBKind(%q) = %q, want %q", tt.db, got, tt.wantKind)
		}
		if got := c.LarkBaseURL(); got != tt.wantLark {
			t.Errorf("LarkBaseURL(%q) = %q, want %q", tt.domain, got, tt.wantLark)
		}
	}

	c := Default()
	if got := c.Location().String(); got != "Asia/Shanghai" {
		t.Errorf("Location = %q, want Asia/Shanghai", got)
	}
	if got := (Config{TZ: "Mars/Base"}).Location(); got != time.UTC {
		t.Errorf("Location of a bad zone = %v, want UTC", got)
	}
	if c.SlackEnabled() || c.LarkEnabled() {
		t.Errorf("defaults enable a platform")
	}
	c.Slack.BotToken, c.Lark.AppID = "xoxb-1", "cli"
	if !c.SlackEnabled() || !c.LarkEnabled() || c.Slack.SocketMode() {
		t.Errorf("SlackEnabled=%v LarkEnabled=%v SocketMode=%v, want true true false",
			c.SlackEnabled(), c.LarkEnabled(), c.Slack.SocketMode())
	}
}
