// Package config builds pipbot's one typed configuration: defaults, then an
// optional YAML file, then the environment, validated in one pass so that an
// operator sees every mistake at once. Secrets never print in clear text.
package config

import (
	"strings"
	"time"

	_ "time/tzdata" // zones must resolve on minimal images without /usr/share/zoneinfo
)

// Config is every setting pipbot reads at start-up. cmd/pipbot hands each
// component only its own section.
type Config struct {
	Addr   string   `json:"addr" yaml:"addr"`     // PIPBOT_ADDR: HTTP listen address
	DB     string   `json:"db" yaml:"db"`         // PIPBOT_DB: sqlite://, postgres:// or mysql:// URL
	Redis  string   `json:"redis" yaml:"redis"`   // PIPBOT_REDIS: empty means embedded, single replica
	TZ     string   `json:"tz" yaml:"tz"`         // PIPBOT_TZ: default time zone of a tenant
	Locale string   `json:"locale" yaml:"locale"` // PIPBOT_LOCALE: zh or en
	HR     []string `json:"hr" yaml:"hr"`         // PIPBOT_HR: "platform:id" entries
	// Rules is a YAML/JSON file of per-tenant reminder rules (PIPBOT_RULES);
	// Calendar a file of per-tenant working-day overrides (PIPBOT_CALENDAR).
	// Empty means the defaults of DESIGN.md and the official calendar.
	Rules    string `json:"rules" yaml:"rules"`
	Calendar string `json:"calendar" yaml:"calendar"`
	// Holidays is a holiday file (PIPBOT_HOLIDAYS): State Council notices
	// published after this release, one list of days per year, read at
	// start by every replica (calendar.LoadNotices).
	Holidays string `json:"holidays" yaml:"holidays"`
	// Org is a CSV or YAML file of who reports to whom (PIPBOT_ORG), read
	// by LoadOrg. Validate checks that it parses; Config keeps no entries.
	// On Slack the Slack.ManagerField profile field comes before it.
	Org   string      `json:"org" yaml:"org"`
	Slack SlackConfig `json:"slack" yaml:"slack"`
	Lark  LarkConfig  `json:"lark" yaml:"lark"`
}

// SlackConfig is what the Slack adapter needs; it stays off when BotToken is
// empty and uses Socket Mode when AppToken is set.
type SlackConfig struct {
	BotToken      Secret `json:"bot_token" yaml:"bot_token"`           // SLACK_BOT_TOKEN
	SigningSecret Secret `json:"signing_secret" yaml:"signing_secret"` // SLACK_SIGNING_SECRET
	AppToken      Secret `json:"app_token" yaml:"app_token"`           // SLACK_APP_TOKEN
	APIURL        string `json:"api_url" yaml:"api_url"`               // SLACK_API_URL, empty means Slack's own
	// ManagerField is the id of a user-type custom profile field
	// ("Xf0123ABCD") that holds each person's manager
	// (SLACK_MANAGER_FIELD). When set it takes precedence over the org file.
	ManagerField string `json:"manager_field" yaml:"manager_field"`
}

// LarkConfig is what the Feishu/Lark adapter needs; it stays off when AppID
// is empty.
type LarkConfig struct {
	AppID             string `json:"app_id" yaml:"app_id"`                         // LARK_APP_ID
	AppSecret         Secret `json:"app_secret" yaml:"app_secret"`                 // LARK_APP_SECRET
	VerificationToken Secret `json:"verification_token" yaml:"verification_token"` // LARK_VERIFICATION_TOKEN
	EncryptKey        Secret `json:"encrypt_key" yaml:"encrypt_key"`               // LARK_ENCRYPT_KEY
	Domain            string `json:"domain" yaml:"domain"`                         // LARK_DOMAIN: feishu, lark or a base URL
	Mode              string `json:"mode" yaml:"mode"`                             // LARK_MODE: webhook or websocket
}

// Default returns the settings used when neither file nor environment says
// otherwise, so that `pipbot serve` works with no configuration at all.
func Default() Config {
	return Config{
		Addr:   ":8080",
		DB:     "sqlite://pipbot.db",
		TZ:     "Asia/Shanghai",
		Locale: "zh",
		Lark: LarkConfig{
			Domain: "feishu",
			Mode:   "webhook",
		},
	}
}

// Location returns the PIPBOT_TZ zone for scheduling. Load has validated it,
// so only a hand-built invalid Config falls back to UTC.
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TZ)
	if err != nil || c.TZ == "" {
		return time.UTC
	}
	return loc
}

// DBKind names the database driver cmd/pipbot must open: "sqlite",
// "postgres" or "mysql"; "" when PIPBOT_DB has an unsupported scheme.
func (c Config) DBKind() string {
	scheme, _, ok := strings.Cut(c.DB, "://")
	if !ok {
		return ""
	}
	switch strings.ToLower(scheme) {
	case "sqlite":
		return "sqlite"
	case "postgres", "postgresql":
		return "postgres"
	case "mysql":
		return "mysql"
	}
	return ""
}

// SlackEnabled reports whether the Slack adapter should be started.
func (c Config) SlackEnabled() bool { return c.Slack.Enabled() }

// LarkEnabled reports whether the Feishu/Lark adapter should be started.
func (c Config) LarkEnabled() bool { return c.Lark.Enabled() }

// LarkBaseURL is the open-platform base URL the Lark adapter talks to.
func (c Config) LarkBaseURL() string { return c.Lark.BaseURL() }

// Enabled reports whether a Slack app is configured, so the adapter knows to
// start without seeing the rest of the Config.
func (s SlackConfig) Enabled() bool { return s.BotToken != "" }

// SocketMode reports whether Slack events arrive over Socket Mode instead of
// HTTP, which is the case when an app-level token is set.
func (s SlackConfig) SocketMode() bool { return s.AppToken != "" }

// Enabled reports whether a Feishu/Lark app is configured.
func (l LarkConfig) Enabled() bool { return l.AppID != "" }

// BaseURL resolves LARK_DOMAIN to the open-platform base URL without a
// trailing slash: feishu and lark name the public clouds, anything else is
// taken as given (tests point it at a fake).
func (l LarkConfig) BaseURL() string {
	switch l.Domain {
	case "", "feishu":
		return "https://open.feishu.cn"
	case "lark":
		return "https://open.larksuite.com"
	}
	return strings.TrimSuffix(l.Domain, "/")
}

// HRUser is one parsed PIPBOT_HR entry: the platform and that platform's
// user id of someone who gets HR rights everywhere.
type HRUser struct {
	Platform string // lark, slack or console
	ID       string
}

// HRUsers parses PIPBOT_HR so the engine can seed HR roles; entries that are
// not platform:id are skipped (Validate reports them).
func (c Config) HRUsers() []HRUser {
	var out []HRUser
	for _, entry := range c.HR {
		platform, id, ok := strings.Cut(strings.TrimSpace(entry), ":")
		platform, id = strings.TrimSpace(platform), strings.TrimSpace(id)
		if !ok || platform == "" || id == "" {
			continue
		}
		out = append(out, HRUser{Platform: platform, ID: id})
	}
	return out
}
