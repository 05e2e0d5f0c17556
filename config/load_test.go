package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// env turns a map into a getenv function.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// inEmptyDir runs the test in a directory without a pipbot.yaml.
func inEmptyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func TestLoadDefaults(t *testing.T) {
	inEmptyDir(t)
	got, err := Load(env(nil), "")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr:   ":8080",
		DB:     "sqlite://pipbot.db",
		TZ:     "Asia/Shanghai",
		Locale: "zh",
		Lark:   LarkConfig{Domain: "feishu", Mode: "webhook"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load defaults (-want +got):\n%s", diff)
	}
}

func TestLoadFileThenEnv(t *testing.T) {
	fromFile := Config{
		Addr:   "127.0.0.1:9090",
		DB:     "postgres://pipbot:file-db-pass@db.internal:5432/pipbot?sslmode=disable",
		Redis:  "redis://:file-redis-pass@cache.internal:6379/0",
		TZ:     "Europe/Berlin",
		Locale: "en",
		HR:     []string{"lark:ou_file", "slack:UFILE"},
		Org:    "testdata/org.csv",
		// A holiday file is read by the calendar, not by Load.
		Holidays: "/etc/pipbot/holidays.yaml",
		Slack: SlackConfig{
			BotToken:      "xoxb-file-bot-token",
			SigningSecret: "file-signing-secret",
			AppToken:      "xapp-file-app-token",
			APIURL:        "http://127.0.0.1:7000/api/",
			ManagerField:  "Xf0123ABCD",
		},
		Lark: LarkConfig{
			AppID:             "cli_file",
			AppSecret:         "file-app-secret",
			VerificationToken: "file-verification-token",
			EncryptKey:        "file-encrypt-key",
			Domain:            "lark",
			Mode:              "websocket",
		},
	}
	tests := []struct {
		name string
		env  map[string]string
		want func(c *Config)
	}{
		{name: "file only", want: func(*Config) {}},
		{
			name: "empty variables do not override",
			env:  map[string]string{"PIPBOT_ADDR": "", "SLACK_BOT_TOKEN": "", "PIPBOT_HR": ""},
			want: func(*Config) {},
		},
		{
			name: "set variables override",
			env: map[string]string{
				"PIPBOT_ADDR":             ":7070",
				"PIPBOT_DB":               "mysql://root@127.0.0.1:3306/test",
				"PIPBOT_REDIS":            "rediss://cache:6380/1",
				"PIPBOT_TZ":               "UTC",
				"PIPBOT_LOCALE":           "zh",
				"PIPBOT_HR":               "console:alice",
				"PIPBOT_ORG":              "testdata/org.yaml",
				"PIPBOT_HOLIDAYS":         "holidays-2028.json",
				"SLACK_BOT_TOKEN":         "xoxb-env",
				"SLACK_SIGNING_SECRET":    "env-signing",
				"SLACK_APP_TOKEN":         "xapp-env",
				"SLACK_API_URL":           "http://fake/api/",
				"SLACK_MANAGER_FIELD":     "XfENV01",
				"LARK_APP_ID":             "cli_env",
				"LARK_APP_SECRET":         "env-app-secret",
				"LARK_VERIFICATION_TOKEN": "env-verify",
				"LARK_ENCRYPT_KEY":        "env-encrypt",
				"LARK_DOMAIN":             "http://fake-lark",
				"LARK_MODE":               "webhook",
			},
			want: func(c *Config) {
				*c = Config{
					Addr: ":7070", DB: "mysql://root@127.0.0.1:3306/test", Redis: "rediss://cache:6380/1",
					TZ: "UTC", Locale: "zh", HR: []string{"console:alice"}, Org: "testdata/org.yaml", Holidays: "holidays-2028.json",
					Slack: SlackConfig{BotToken: "xoxb-env", SigningSecret: "env-signing", AppToken: "xapp-env",
						APIURL: "http://fake/api/", ManagerField: "XfENV01"},
					Lark: LarkConfig{AppID: "cli_env", AppSecret: "env-app-secret", VerificationToken: "env-verify",
						EncryptKey: "env-encrypt", Domain: "http://fake-lark", Mode: "webhook"},
				}
			},
		},
		{
			name: "one variable overrides one setting",
			env:  map[string]string{"LARK_MODE": "webhook"},
			want: func(c *Config) { c.Lark.Mode = "webhook" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(env(tt.env), filepath.Join("testdata", "full.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			want := fromFile
			want.HR = append([]string(nil), fromFile.HR...)
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadHR(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  string
		want []string
	}{
		{name: "unset", want: nil},
		{name: "env", env: "lark:ou_x,slack:U1", want: []string{"lark:ou_x", "slack:U1"}},
		{name: "env with blanks", env: " lark:ou_x , ,slack:U1, ", want: []string{"lark:ou_x", "slack:U1"}},
		{name: "file list", file: "full.yaml", want: []string{"lark:ou_file", "slack:UFILE"}},
		{name: "file string", file: "hr_string.yaml", want: []string{"lark:ou_a", "slack:U2", "console:alice"}},
		{name: "env beats file", file: "hr_string.yaml", env: "slack:U9", want: []string{"slack:U9"}},
	}
	// full.yaml names testdata/org.csv relative to this directory, which
	// the test leaves; PIPBOT_ORG points at the same file from anywhere.
	org, err := filepath.Abs(filepath.Join("testdata", "org.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				var err error
				if path, err = filepath.Abs(filepath.Join("testdata", tt.file)); err != nil {
					t.Fatal(err)
				}
			}
			inEmptyDir(t)
			got, err := Load(env(map[string]string{"PIPBOT_HR": tt.env, "PIPBOT_ORG": org}), path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.HR); diff != "" {
				t.Errorf("HR (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHRUsers(t *testing.T) {
	c := Config{HR: []string{"lark:ou_x", "bob", "slack: U1 ", "console:alice:x"}}
	got := c.HRUsers()
	want := []HRUser{{"lark", "ou_x"}, {"slack", "U1"}, {"console", "alice:x"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HRUsers (-want +got):\n%s", diff)
	}
}

func TestLoadUnknownKeys(t *testing.T) {
	_, err := Load(env(nil), filepath.Join("testdata", "unknown_key.yaml"))
	if err == nil {
		t.Fatal("Load accepted unknown keys")
	}
	for _, want := range []string{
		`testdata/unknown_key.yaml:2: unknown key "database"`,
		`testdata/unknown_key.yaml:4: unknown key "slack.bot_tokn"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q\ndoes not contain %q", err, want)
		}
	}
}

func TestLoadFileChoice(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string // written to the working directory
		env     map[string]string
		path    string
		wantErr string
		wantTZ  string
	}{
		{name: "no default file is fine", wantTZ: "Asia/Shanghai"},
		{name: "default file is read", files: map[string]string{DefaultFile: "tz: UTC\n"}, wantTZ: "UTC"},
		{
			name:    "explicit path beats default file",
			files:   map[string]string{DefaultFile: "tz: UTC\n"},
			path:    "other.yaml",
			wantErr: "other.yaml",
		},
		{name: "explicit missing path is an error", path: "missing.yaml", wantErr: "missing.yaml"},
		{
			name:    "PIPBOT_CONFIG missing is an error",
			env:     map[string]string{"PIPBOT_CONFIG": "elsewhere.yaml"},
			wantErr: "elsewhere.yaml",
		},
		{
			name:   "PIPBOT_CONFIG is read",
			files:  map[string]string{"elsewhere.yaml": "tz: Asia/Tokyo\n"},
			env:    map[string]string{"PIPBOT_CONFIG": "elsewhere.yaml"},
			wantTZ: "Asia/Tokyo",
		},
		{name: "empty file", path: "e.yaml", files: map[string]string{"e.yaml": ""}, wantTZ: "Asia/Shanghai"},
		{name: "comment-only file", path: "c.yaml", files: map[string]string{"c.yaml": "# x\n"}, wantTZ: "Asia/Shanghai"},
		{name: "not a mapping", path: "l.yaml", files: map[string]string{"l.yaml": "- a\n"}, wantErr: "want a mapping"},
		{name: "bad yaml", path: "b.yaml", files: map[string]string{"b.yaml": "addr: [\n"}, wantErr: "b.yaml"},
		{name: "wrong type", path: "w.yaml", files: map[string]string{"w.yaml": "slack: [a]\n"}, wantErr: "w.yaml"},
		{name: "invalid value from file", path: "v.yaml", files: map[string]string{"v.yaml": "locale: fr\n"}, wantErr: "PIPBOT_LOCALE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := inEmptyDir(t)
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Load(env(tt.env), tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load error = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.TZ != tt.wantTZ {
				t.Errorf("TZ = %q, want %q", got.TZ, tt.wantTZ)
			}
		})
	}
}

func TestLoadBadHR(t *testing.T) {
	_, err := Load(env(nil), filepath.Join("testdata", "bad_hr.yaml"))
	if err == nil || !strings.Contains(err.Error(), "hr must be a list") {
		t.Errorf("Load error = %v, want hr shape error", err)
	}
}

func TestDefaultPath(t *testing.T) {
	if got := DefaultPath(env(nil)); got != "pipbot.yaml" {
		t.Errorf("DefaultPath = %q, want pipbot.yaml", got)
	}
	if got := DefaultPath(env(map[string]string{"PIPBOT_CONFIG": "/etc/pipbot.yaml"})); got != "/etc/pipbot.yaml" {
		t.Errorf("DefaultPath = %q, want /etc/pipbot.yaml", got)
	}
}
