package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// DefaultFile is the YAML file Load reads from the working directory when
// neither a path nor PIPBOT_CONFIG names one. Its absence is not an error.
const DefaultFile = "pipbot.yaml"

// DefaultPath tells the caller which file Load will look for when given no
// path (PIPBOT_CONFIG if set, else DefaultFile), e.g. to log where
// settings came from.
func DefaultPath(getenv func(string) string) string {
	if p := getenv("PIPBOT_CONFIG"); p != "" {
		return p
	}
	return DefaultFile
}

// Load builds the Config: Default, then the YAML file, then every
// environment variable that is set and non-empty, then Validate.
//
// The file is chosen so that only a file the operator asked for can be
// missing by mistake:
//   - path != "" (a --config flag): that file, which must exist;
//   - else PIPBOT_CONFIG if set: that file, which must exist;
//   - else DefaultFile if it exists in the working directory; none otherwise.
//
// getenv is os.Getenv in production and a map lookup in tests.
func Load(getenv func(string) string, path string) (Config, error) {
	cfg := Default()

	required := path != ""
	if path == "" {
		path = DefaultPath(getenv)
		required = getenv("PIPBOT_CONFIG") != ""
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := applyFile(&cfg, path, data); err != nil {
			return Config{}, err
		}
	case errors.Is(err, fs.ErrNotExist) && !required:
		// No default file: defaults and environment only.
	default:
		return Config{}, fmt.Errorf("read config file: %w", err)
	}

	applyEnv(&cfg, getenv)

	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return cfg, nil
}

// applyEnv overlays every variable that is set and non-empty.
func applyEnv(c *Config, getenv func(string) string) {
	str := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	secret := func(dst *Secret, name string) {
		if v := getenv(name); v != "" {
			*dst = Secret(v)
		}
	}
	str(&c.Addr, "PIPBOT_ADDR")
	str(&c.DB, "PIPBOT_DB")
	str(&c.Redis, "PIPBOT_REDIS")
	str(&c.TZ, "PIPBOT_TZ")
	str(&c.Locale, "PIPBOT_LOCALE")
	if v := getenv("PIPBOT_HR"); v != "" {
		c.HR = splitList(v)
	}
	str(&c.Rules, "PIPBOT_RULES")
	str(&c.Calendar, "PIPBOT_CALENDAR")
	str(&c.Holidays, "PIPBOT_HOLIDAYS")
	str(&c.Org, "PIPBOT_ORG")

	secret(&c.Slack.BotToken, "SLACK_BOT_TOKEN")
	secret(&c.Slack.SigningSecret, "SLACK_SIGNING_SECRET")
	secret(&c.Slack.AppToken, "SLACK_APP_TOKEN")
	str(&c.Slack.APIURL, "SLACK_API_URL")
	str(&c.Slack.ManagerField, "SLACK_MANAGER_FIELD")

	str(&c.Lark.AppID, "LARK_APP_ID")
	secret(&c.Lark.AppSecret, "LARK_APP_SECRET")
	secret(&c.Lark.VerificationToken, "LARK_VERIFICATION_TOKEN")
	secret(&c.Lark.EncryptKey, "LARK_ENCRYPT_KEY")
	str(&c.Lark.Domain, "LARK_DOMAIN")
	str(&c.Lark.Mode, "LARK_MODE")
}

// splitList splits a comma-separated list, trimming blanks and dropping
// empty entries, so "a, b," means [a b].
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
