package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// fileConfig is the shape of pipbot.yaml. It differs from Config only where
// the file is more lenient: hr may be a list or a comma-separated string.
type fileConfig struct {
	Addr     string      `yaml:"addr"`
	DB       string      `yaml:"db"`
	Redis    string      `yaml:"redis"`
	TZ       string      `yaml:"tz"`
	Locale   string      `yaml:"locale"`
	HR       hrList      `yaml:"hr"`
	Rules    string      `yaml:"rules"`
	Calendar string      `yaml:"calendar"`
	Holidays string      `yaml:"holidays"`
	Org      string      `yaml:"org"`
	Slack    SlackConfig `yaml:"slack"`
	Lark     LarkConfig  `yaml:"lark"`
}

// hrList accepts `hr: [lark:ou_x, slack:U1]` as well as
// `hr: "lark:ou_x,slack:U1"`, matching the PIPBOT_HR variable.
type hrList []string

// UnmarshalYAML accepts either form and normalises it like splitList.
func (h *hrList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*h = splitList(n.Value)
		return nil
	case yaml.SequenceNode:
		var items []string
		if err := n.Decode(&items); err != nil {
			return err
		}
		*h = splitList(strings.Join(items, ","))
		return nil
	}
	return fmt.Errorf("line %d: hr must be a list or a comma-separated string", n.Line)
}

// applyFile overlays the non-empty settings of a YAML file onto c. Unknown
// keys are errors, all reported at once, so a typo cannot silently leave a
// setting at its default.
func applyFile(c *Config, path string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil // empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("config file %s: line %d: want a mapping of settings", path, root.Line)
	}
	if errs := unknownKeys(root, reflect.TypeFor[fileConfig](), path, ""); len(errs) > 0 {
		return errors.Join(errs...)
	}
	var f fileConfig
	if err := root.Decode(&f); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	f.overlay(c)
	return nil
}

// unknownKeys walks a mapping and names every key the struct type t has no
// yaml tag for, as `PATH:LINE: unknown key "section.key"`, descending into
// nested sections.
func unknownKeys(n *yaml.Node, t reflect.Type, path, prefix string) []error {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		ft, ok := fields[key.Value]
		if !ok {
			errs = append(errs, fmt.Errorf("%s:%d: unknown key %q", path, key.Line, prefix+key.Value))
			continue
		}
		if ft.Kind() == reflect.Struct && val.Kind == yaml.MappingNode {
			errs = append(errs, unknownKeys(val, ft, path, prefix+key.Value+".")...)
		}
	}
	return errs
}

// overlay copies the settings the file gave (non-empty ones) onto c, the
// same rule the environment follows.
func (f fileConfig) overlay(c *Config) {
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	secret := func(dst *Secret, v Secret) {
		if v != "" {
			*dst = v
		}
	}
	str(&c.Addr, f.Addr)
	str(&c.DB, f.DB)
	str(&c.Redis, f.Redis)
	str(&c.TZ, f.TZ)
	str(&c.Locale, f.Locale)
	if len(f.HR) > 0 {
		c.HR = []string(f.HR)
	}
	str(&c.Rules, f.Rules)
	str(&c.Calendar, f.Calendar)
	str(&c.Holidays, f.Holidays)
	str(&c.Org, f.Org)

	secret(&c.Slack.BotToken, f.Slack.BotToken)
	secret(&c.Slack.SigningSecret, f.Slack.SigningSecret)
	secret(&c.Slack.AppToken, f.Slack.AppToken)
	str(&c.Slack.APIURL, f.Slack.APIURL)
	str(&c.Slack.ManagerField, f.Slack.ManagerField)

	str(&c.Lark.AppID, f.Lark.AppID)
	secret(&c.Lark.AppSecret, f.Lark.AppSecret)
	secret(&c.Lark.VerificationToken, f.Lark.VerificationToken)
	secret(&c.Lark.EncryptKey, f.Lark.EncryptKey)
	str(&c.Lark.Domain, f.Lark.Domain)
	str(&c.Lark.Mode, f.Lark.Mode)
}
