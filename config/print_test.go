package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// leaky has a distinct secret in every place one can hide.
func leaky() Config {
	c := Default()
	c.DB = "postgres://pipbot:db-pass-0001@db:5432/pipbot?sslmode=disable"
	c.Redis = "redis://:redis-pass-0002@cache:6379/0"
	c.Slack = SlackConfig{
		BotToken:      "xoxb-bot-token-0003",
		SigningSecret: "signing-secret-0004",
		AppToken:      "xapp-app-token-0005",
	}
	c.Lark = LarkConfig{
		AppID:             "cli_a1",
		AppSecret:         "app-secret-0006",
		VerificationToken: "verify-0007",
		EncryptKey:        "encrypt-key-0008",
		Domain:            "feishu",
		Mode:              "webhook",
	}
	return c
}

var secrets = []string{
	"db-pass-0001", "redis-pass-0002", "xoxb-bot-token-0003", "signing-secret-0004",
	"xapp-app-token-0005", "app-secret-0006", "verify-0007", "encrypt-key-0008",
}

func TestSecretsNeverPrinted(t *testing.T) {
	c := leaky()
	must := func(b []byte, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	slogOut := func(newHandler func(*bytes.Buffer) slog.Handler) string {
		var buf bytes.Buffer
		slog.New(newHandler(&buf)).Info("start", "config", c, "slack", c.Slack, "token", c.Slack.BotToken)
		return buf.String()
	}
	badVerb := "%d %d" // a variable, so vet lets the test misuse a verb on purpose
	outputs := map[string]string{
		"String":         c.String(),
		"%v":             fmt.Sprintf("%v", c),
		"%+v":            fmt.Sprintf("%+v", c),
		"%#v":            fmt.Sprintf("%#v", c),
		"%s":             fmt.Sprintf("%s", c),
		"%q":             fmt.Sprintf("%q", c),
		"%d":             fmt.Sprintf("%d", c),
		"%x":             fmt.Sprintf("%x", c),
		"pointer %+v":    fmt.Sprintf("%+v", &c),
		"nested %+v":     fmt.Sprintf("%+v", struct{ C Config }{c}),
		"nested %#v":     fmt.Sprintf("%#v", struct{ C Config }{c}),
		"section %+v":    fmt.Sprintf("%+v %+v", c.Slack, c.Lark),
		"section %#v":    fmt.Sprintf("%#v %#v", c.Slack, c.Lark),
		"section %d":     fmt.Sprintf(badVerb, c.Slack, c.Lark),
		"secret %s":      fmt.Sprintf("%s %v %q %x %d %10s", c.Slack.BotToken, c.Slack.BotToken, c.Slack.BotToken, c.Slack.BotToken, c.Slack.BotToken, c.Slack.BotToken),
		"json":           must(json.Marshal(c)),
		"json pointer":   must(json.Marshal(&c)),
		"json section":   must(json.Marshal(c.Lark)),
		"yaml":           must(yaml.Marshal(c)),
		"yaml section":   must(yaml.Marshal(c.Slack)),
		"slog json":      slogOut(func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }),
		"slog text":      slogOut(func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }),
		"validate error": fmt.Sprint(Config{DB: c.DB + "%zz", Redis: "http://u:redis-pass-0002@x"}.Validate()),
	}
	for name, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s leaks %q:\n%s", name, s, out)
			}
		}
	}
	// The masked forms are still there, so the outputs are useful.
	for _, name := range []string{"String", "%+v", "%#v", "json", "yaml", "slog json"} {
		if !strings.Contains(outputs[name], "****0003") || !strings.Contains(outputs[name], "pipbot:****@db") {
			t.Errorf("%s lacks the masked token or DB URL:\n%s", name, outputs[name])
		}
	}
}

func TestString(t *testing.T) {
	c := leaky()
	c.HR = []string{"lark:ou_x", "slack:U1"}
	c.Org = "/etc/pipbot/org.csv"
	c.Slack.ManagerField = "Xf0123ABCD"
	got := c.String()
	want := strings.Join([]string{
		"PIPBOT_ADDR=:8080",
		"PIPBOT_DB=postgres://pipbot:****@db:5432/pipbot?sslmode=disable",
		"PIPBOT_REDIS=redis://:****@cache:6379/0",
		"PIPBOT_TZ=Asia/Shanghai",
		"PIPBOT_LOCALE=zh",
		"PIPBOT_HR=lark:ou_x,slack:U1",
		"PIPBOT_RULES=",
		"PIPBOT_CALENDAR=",
		"PIPBOT_HOLIDAYS=",
		"PIPBOT_ORG=/etc/pipbot/org.csv",
		"SLACK_BOT_TOKEN=****0003",
		"SLACK_SIGNING_SECRET=****0004",
		"SLACK_APP_TOKEN=****0005",
		"SLACK_API_URL=",
		"SLACK_MANAGER_FIELD=Xf0123ABCD",
		"LARK_APP_ID=cli_a1",
		"LARK_APP_SECRET=****0006",
		"LARK_VERIFICATION_TOKEN=****",
		"LARK_ENCRYPT_KEY=****0008",
		"LARK_DOMAIN=feishu",
		"LARK_MODE=webhook",
	}, "\n")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
}

func TestLogValue(t *testing.T) {
	c := leaky()
	c.Org = "org.csv"
	c.Slack.ManagerField = "Xf0123ABCD"
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("start", "config", c)
	var got struct {
		Config struct {
			DB    string `json:"db"`
			Org   string `json:"org"`
			Slack struct {
				BotToken     string `json:"bot_token"`
				APIURL       string `json:"api_url"`
				ManagerField string `json:"manager_field"`
			} `json:"slack"`
			Lark struct {
				AppID string `json:"app_id"`
			} `json:"lark"`
		} `json:"config"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v in %s", err, buf.String())
	}
	if got.Config.DB != "postgres://pipbot:****@db:5432/pipbot?sslmode=disable" ||
		got.Config.Slack.BotToken != "****0003" || got.Config.Lark.AppID != "cli_a1" ||
		got.Config.Org != "org.csv" || got.Config.Slack.ManagerField != "Xf0123ABCD" {
		t.Errorf("slog JSON = %s", buf.String())
	}
}

func TestSecretMask(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"short", "****"},
		{"elevenchars", "****"},
		{"twelve-chars", "****hars"},
		{"xoxb-1234567890-abcd", "****abcd"},
	}
	for _, tt := range tests {
		if got := Secret(tt.in).String(); got != tt.want {
			t.Errorf("Secret(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		if got := Secret(tt.in).Reveal(); got != tt.in {
			t.Errorf("Secret(%q).Reveal() = %q", tt.in, got)
		}
	}
	if got, want := fmt.Sprintf("%#v", Secret("abc")), `config.Secret("****")`; got != want {
		t.Errorf("%%#v = %s, want %s", got, want)
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"sqlite://pipbot.db", "sqlite://pipbot.db"},
		{"sqlite:///var/lib/pipbot/pipbot.db", "sqlite:///var/lib/pipbot/pipbot.db"},
		{"postgres://u:p@h:5432/db", "postgres://u:****@h:5432/db"},
		{"postgres://u@h:5432/db", "postgres://u@h:5432/db"},
		{"mysql://root@127.0.0.1:3306/test", "mysql://root@127.0.0.1:3306/test"},
		{"redis://:pw@h:6379/0", "redis://:****@h:6379/0"},
		{"redis://h:6379/0", "redis://h:6379/0"},
		{"postgres://u:p@ss/w?rd@h/db", "postgres://u:****@h/db"},
		{"postgres://h/db?user=u&password=p&sslmode=disable", "postgres://h/db?user=u&password=****&sslmode=disable"},
		{"https://user:pw@open.example.com", "https://user:****@open.example.com"},
		{"https://ghp_token123@open.example.com/", "https://****@open.example.com/"},
		{"http://127.0.0.1:9/api/?token=xoxb-1&team=T1", "http://127.0.0.1:9/api/?token=****&team=T1"},
		{"https://open.example.com/files/a@b", "https://open.example.com/files/a@b"},
		{"http://127.0.0.1:9/api/?q=a@b", "http://127.0.0.1:9/api/?q=a@b"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
