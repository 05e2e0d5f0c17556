package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// String lists every setting as VARIABLE=value lines (no trailing newline),
// for `pipbot` to show what it is running with. Secrets and URL passwords
// are masked; an unset value prints as nothing after the "=".
func (c Config) String() string {
	m := c.masked()
	var lines []string
	line := func(name string, v any) { lines = append(lines, fmt.Sprintf("%s=%v", name, v)) }
	line("PIPBOT_ADDR", m.Addr)
	line("PIPBOT_DB", m.DB)
	line("PIPBOT_REDIS", m.Redis)
	line("PIPBOT_TZ", m.TZ)
	line("PIPBOT_LOCALE", m.Locale)
	line("PIPBOT_HR", strings.Join(m.HR, ","))
	line("PIPBOT_RULES", m.Rules)
	line("PIPBOT_CALENDAR", m.Calendar)
	line("PIPBOT_HOLIDAYS", m.Holidays)
	line("PIPBOT_ORG", m.Org)
	line("SLACK_BOT_TOKEN", m.Slack.BotToken)
	line("SLACK_SIGNING_SECRET", m.Slack.SigningSecret)
	line("SLACK_APP_TOKEN", m.Slack.AppToken)
	line("SLACK_API_URL", m.Slack.APIURL)
	line("SLACK_MANAGER_FIELD", m.Slack.ManagerField)
	line("LARK_APP_ID", m.Lark.AppID)
	line("LARK_APP_SECRET", m.Lark.AppSecret)
	line("LARK_VERIFICATION_TOKEN", m.Lark.VerificationToken)
	line("LARK_ENCRYPT_KEY", m.Lark.EncryptKey)
	line("LARK_DOMAIN", m.Lark.Domain)
	line("LARK_MODE", m.Lark.Mode)
	return strings.Join(lines, "\n")
}

// plain has Config's fields but none of its methods, so fmt and the
// encoders can walk a masked copy without recursing into Format or
// MarshalJSON. Secrets inside still mask themselves.
type plain Config

// GoString keeps %#v masked.
func (c Config) GoString() string {
	s := fmt.Sprintf("%#v", plain(c.masked()))
	return "config.Config" + strings.TrimPrefix(s, "config.plain")
}

// Format keeps every fmt verb masked: %v, %s and %q print String, %+v the
// fields by name, %#v GoString, other verbs only the type. Without it a bad
// verb such as %d would make fmt print the raw struct, DB password included.
func (c Config) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, c.GoString())
	case verb == 'v' && f.Flag('+'):
		fmt.Fprintf(f, "%+v", plain(c.masked()))
	case verb == 'v' || verb == 's' || verb == 'q':
		fmt.Fprintf(f, fmt.FormatString(f, verb), c.String())
	default:
		fmt.Fprintf(f, "%%!%c(config.Config)", verb)
	}
}

// LogValue lets `log.Info("config", "config", cfg)` log the masked settings
// as a group with snake_case keys.
func (c Config) LogValue() slog.Value {
	m := c.masked()
	return slog.GroupValue(
		slog.String("addr", m.Addr),
		slog.String("db", m.DB),
		slog.String("redis", m.Redis),
		slog.String("tz", m.TZ),
		slog.String("locale", m.Locale),
		slog.Any("hr", m.HR),
		slog.String("org", m.Org),
		slog.Group("slack",
			slog.Any("bot_token", m.Slack.BotToken),
			slog.Any("signing_secret", m.Slack.SigningSecret),
			slog.Any("app_token", m.Slack.AppToken),
			slog.String("api_url", m.Slack.APIURL),
			slog.String("manager_field", m.Slack.ManagerField),
		),
		slog.Group("lark",
			slog.String("app_id", m.Lark.AppID),
			slog.Any("app_secret", m.Lark.AppSecret),
			slog.Any("verification_token", m.Lark.VerificationToken),
			slog.Any("encrypt_key", m.Lark.EncryptKey),
			slog.String("domain", m.Lark.Domain),
			slog.String("mode", m.Lark.Mode),
		),
	)
}

// MarshalJSON keeps JSON output masked (PIPBOT_DB and PIPBOT_REDIS are
// plain strings that may hold a password).
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(plain(c.masked())) }

// MarshalYAML keeps YAML output masked, for the same reason.
func (c Config) MarshalYAML() (any, error) { return plain(c.masked()), nil }

// masked returns a copy whose URL passwords are masked. Secrets mask
// themselves wherever they are printed, so they are left as they are.
func (c Config) masked() Config {
	c.DB = RedactURL(c.DB)
	c.Redis = RedactURL(c.Redis)
	c.Slack.APIURL = RedactURL(c.Slack.APIURL)
	c.Lark.Domain = RedactURL(c.Lark.Domain)
	return c
}

// RedactURL masks the password of a database or Redis URL
// (postgres://user:****@host/db), the whole user part of a web URL
// (https://****@host), and password, token, key and signature query
// parameters, so what pipbot connected to can be logged. It errs towards masking too much
// when the URL is malformed.
func RedactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	// The user part ends at the last @ of the authority; a database
	// password may hold / or ?, so only a web URL's authority ends there.
	auth := rest
	if webScheme(scheme) {
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			auth = rest[:i]
		}
	}
	if at := strings.LastIndex(auth, "@"); at >= 0 {
		colon := strings.Index(auth, ":")
		switch {
		case colon >= 0 && colon < at:
			rest = rest[:colon+1] + "****" + rest[at:]
		case webScheme(scheme):
			// A web URL's user alone is a token (https://TOKEN@host);
			// a database's user alone is only a name.
			rest = "****" + rest[at:]
		}
	}
	if base, query, ok := strings.Cut(rest, "?"); ok {
		params := strings.Split(query, "&")
		for i, p := range params {
			key, _, _ := strings.Cut(p, "=")
			switch strings.ToLower(key) {
			case "password", "pass", "pwd", "token", "access_token", "secret", "key", "api_key", "apikey", "sig", "signature":
				params[i] = key + "=****"
			}
		}
		rest = base + "?" + strings.Join(params, "&")
	}
	return scheme + "://" + rest
}

// webScheme reports whether scheme is the web's, where a URL's user part
// carries credentials.
func webScheme(scheme string) bool {
	switch strings.ToLower(scheme) {
	case "http", "https", "ws", "wss":
		return true
	}
	return false
}
