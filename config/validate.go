package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Validate reports every problem at once (errors.Join), one line each,
// naming the environment variable to fix. Values that may hold a password
// are never echoed. It reads the PIPBOT_ORG file, when set, to check that
// it parses, and reports each of its problems on a line of its own.
func (c Config) Validate() error {
	var errs []error
	bad := func(variable, msg string) {
		errs = append(errs, errors.New(variable+": "+msg))
	}

	if msg := checkAddr(c.Addr); msg != "" {
		bad("PIPBOT_ADDR", msg)
	}
	if msg := checkDB(c.DB); msg != "" {
		bad("PIPBOT_DB", msg)
	}
	if c.Redis != "" && !strings.HasPrefix(c.Redis, "redis://") && !strings.HasPrefix(c.Redis, "rediss://") {
		bad("PIPBOT_REDIS", "must start with redis:// or rediss://")
	}
	if c.TZ == "" {
		bad("PIPBOT_TZ", "must name a time zone such as Asia/Shanghai")
	} else if _, err := time.LoadLocation(c.TZ); err != nil {
		bad("PIPBOT_TZ", fmt.Sprintf("unknown time zone %q", c.TZ))
	}
	if c.Locale != "zh" && c.Locale != "en" {
		bad("PIPBOT_LOCALE", fmt.Sprintf("must be zh or en (got %q)", c.Locale))
	}
	for _, entry := range c.HR {
		if msg := checkHR(entry); msg != "" {
			bad("PIPBOT_HR", msg)
		}
	}

	errs = append(errs, validateOrg(c.Org)...)

	errs = append(errs, c.Slack.validate()...)
	errs = append(errs, c.Lark.validate()...)
	return errors.Join(errs...)
}

func (s SlackConfig) validate() []error {
	var errs []error
	switch {
	case s.BotToken == "" && s.SigningSecret != "":
		errs = append(errs, errors.New("SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET is set"))
	case s.BotToken == "" && s.AppToken != "":
		errs = append(errs, errors.New("SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN is set"))
	case s.BotToken != "" && s.SigningSecret == "" && s.AppToken == "":
		errs = append(errs, errors.New("SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set (or set SLACK_APP_TOKEN for Socket Mode)"))
	}
	if s.APIURL != "" {
		if !isHTTPURL(s.APIURL) {
			errs = append(errs, errors.New("SLACK_API_URL: must be an http(s) URL"))
		} else if !strings.HasSuffix(s.APIURL, "/") {
			errs = append(errs, errors.New("SLACK_API_URL: must end in /"))
		}
	}
	if s.ManagerField != "" && !isSlackFieldID(s.ManagerField) {
		errs = append(errs, fmt.Errorf("SLACK_MANAGER_FIELD: %q is not a profile field id: want Xf followed by letters and digits, e.g. Xf0123ABCD (team.profile.get lists them)", s.ManagerField))
	}
	return errs
}

func (l LarkConfig) validate() []error {
	var errs []error
	if l.AppID != "" && l.AppSecret == "" {
		errs = append(errs, errors.New("LARK_APP_SECRET: required when LARK_APP_ID is set"))
	}
	if l.AppID == "" && l.AppSecret != "" {
		errs = append(errs, errors.New("LARK_APP_ID: required when LARK_APP_SECRET is set"))
	}
	if l.Domain != "feishu" && l.Domain != "lark" && !isHTTPURL(l.Domain) {
		errs = append(errs, fmt.Errorf("LARK_DOMAIN: must be feishu, lark or an http(s) URL (got %q)", l.Domain))
	}
	switch l.Mode {
	case "webhook":
		if l.AppID != "" && l.EncryptKey == "" {
			errs = append(errs, errors.New("LARK_ENCRYPT_KEY: required in webhook mode; without it the Lark SDK accepts unsigned callbacks"))
		}
	case "websocket":
	default:
		errs = append(errs, fmt.Errorf("LARK_MODE: must be webhook or websocket (got %q)", l.Mode))
	}
	return errs
}

func checkAddr(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Sprintf("%q is not host:port (e.g. :8080 or 127.0.0.1:8080)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("port %q is not a number from 0 to 65535", port)
	}
	return ""
}

// checkDB checks only the shape of PIPBOT_DB; the driver reports the rest
// when storage opens it. Messages never include the value, which may hold a
// password.
func checkDB(dsn string) string {
	const use = "(use sqlite://, postgres:// or mysql://)"
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return "missing scheme " + use
	}
	switch strings.ToLower(scheme) {
	case "sqlite":
		if p, _, _ := strings.Cut(rest, "?"); p == "" {
			return "sqlite:// needs a file path, e.g. sqlite://pipbot.db"
		}
	case "postgres", "postgresql", "mysql":
		if _, err := url.Parse(dsn); err != nil {
			return "not a valid URL (percent-encode special characters in the password)"
		}
		if rest == "" {
			return scheme + ":// needs a host"
		}
	default:
		return fmt.Sprintf("unsupported scheme %q %s", scheme, use)
	}
	return ""
}

func checkHR(entry string) string {
	platform, id, ok := strings.Cut(entry, ":")
	platform, id = strings.TrimSpace(platform), strings.TrimSpace(id)
	if !ok || platform == "" || id == "" {
		return fmt.Sprintf("%q is not platform:id", entry)
	}
	switch platform {
	case "lark", "slack", "console":
		return ""
	}
	return fmt.Sprintf("%q: platform must be lark, slack or console", entry)
}

// validateOrg reads and parses the PIPBOT_ORG file, if any, and reports
// each of its problems as a line of its own under the variable's name.
func validateOrg(path string) []error {
	if path == "" {
		return nil
	}
	_, err := LoadOrg(path)
	if err == nil {
		return nil
	}
	list := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		list = joined.Unwrap()
	}
	errs := make([]error, len(list))
	for i, e := range list {
		errs[i] = fmt.Errorf("PIPBOT_ORG: %w", e)
	}
	return errs
}

// isSlackFieldID reports whether s has the shape of a Slack custom profile
// field id: "Xf" followed by ASCII letters and digits.
func isSlackFieldID(s string) bool {
	rest, ok := strings.CutPrefix(s, "Xf")
	if !ok || rest == "" {
		return false
	}
	for _, r := range rest {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
