package check

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pipbot/pipbot/config"
)

// fileVar is the variable that names a settings file; it is no setting of
// its own, so config.Config.String does not list it.
const fileVar = "PIPBOT_CONFIG"

// probes are valid values for every variable config.Config.String lists,
// passwords included where a URL takes one, so that loading them shows
// which ones config masks. A new variable in package config needs one here.
var probes = map[string]string{
	"PIPBOT_ADDR":             ":8080",
	"PIPBOT_DB":               "postgres://pipbot:probe-db-password@db:5432/pipbot",
	"PIPBOT_REDIS":            "redis://:probe-redis-password@redis:6379/0",
	"PIPBOT_TZ":               "Europe/Berlin",
	"PIPBOT_LOCALE":           "en",
	"PIPBOT_HR":               "slack:UPROBEHR",
	"PIPBOT_RULES":            "/etc/pipbot/probe-rules.yaml",
	"PIPBOT_CALENDAR":         "/etc/pipbot/probe-calendar.yaml",
	"PIPBOT_HOLIDAYS":         "/etc/pipbot/probe-holidays.yaml",
	"PIPBOT_ORG":              "",
	"SLACK_BOT_TOKEN":         "xoxb-probe-bot-token",
	"SLACK_SIGNING_SECRET":    "probe-signing-secret",
	"SLACK_APP_TOKEN":         "xapp-probe-app-token",
	"SLACK_API_URL":           "https://slack.example.com/api/",
	"SLACK_MANAGER_FIELD":     "Xf0PROBE",
	"LARK_APP_ID":             "cli_probe_app_id",
	"LARK_APP_SECRET":         "probe-lark-app-secret",
	"LARK_VERIFICATION_TOKEN": "probe-verification-token",
	"LARK_ENCRYPT_KEY":        "probe-encrypt-key",
	"LARK_DOMAIN":             "lark",
	"LARK_MODE":               "websocket",
}

// configVars lists the variables pipbot reads, from package config itself:
// the names config.Config.String prints, in its order.
func configVars(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, line := range strings.Split(config.Default().String(), "\n") {
		name, _, ok := strings.Cut(line, "=")
		if !ok || name == "" {
			t.Fatalf("config.Default().String() line %q is not NAME=value", line)
		}
		names = append(names, name)
	}
	if len(names) < 15 {
		t.Fatalf("config lists only %d variables: %v", len(names), names)
	}
	return names
}

// secretVars lists the variables whose values config masks when it prints
// its settings (config.Secret fields, and URLs with a password): these may
// never be written to a ConfigMap or shown in an example file.
func secretVars(t *testing.T) []string {
	t.Helper()
	names := configVars(t)
	for _, n := range names {
		if _, ok := probes[n]; !ok {
			t.Fatalf("package config reads %s: add a probe value for it to probes", n)
		}
	}
	cfg, err := config.Load(func(name string) string { return probes[name] }, "")
	if err != nil {
		t.Fatalf("load the probe values: %v", err)
	}
	var secret []string
	for _, line := range strings.Split(cfg.String(), "\n") {
		name, shown, _ := strings.Cut(line, "=")
		if shown != probes[name] {
			secret = append(secret, name)
		}
	}
	return secret
}

// TestSecretVars pins what the probes find against what an operator
// expects, so that a probe value which hides a secret (an empty one, or a
// URL without a password) cannot pass unnoticed.
func TestSecretVars(t *testing.T) {
	got := secretVars(t)
	for _, want := range []string{"PIPBOT_DB", "PIPBOT_REDIS", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
		"SLACK_APP_TOKEN", "LARK_APP_SECRET", "LARK_VERIFICATION_TOKEN", "LARK_ENCRYPT_KEY"} {
		if !slices.Contains(got, want) {
			t.Errorf("%s is not found secret; secrets found: %v", want, got)
		}
	}
	for _, name := range []string{"PIPBOT_TZ", "LARK_APP_ID", "SLACK_API_URL"} {
		if slices.Contains(got, name) {
			t.Errorf("%s is found secret, but config prints it in clear", name)
		}
	}
	if extra := slices.DeleteFunc(slices.Sorted(maps.Keys(probes)), func(n string) bool {
		return slices.Contains(configVars(t), n)
	}); len(extra) > 0 {
		t.Errorf("probes for variables config does not read: %v", extra)
	}
}
