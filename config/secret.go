package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Secret holds a credential (token, signing secret, key). Every way Go
// prints or encodes a value (fmt verbs, slog, JSON, YAML) shows only a mask,
// so a config or adapter struct can be logged without leaking it. Call
// Reveal where the SDK needs the real value.
//
// Printing a struct that holds a Secret in an unexported field bypasses
// these methods (fmt cannot call them there); keep such structs unprinted.
type Secret string

// Reveal returns the credential in clear text. It is the one way to read a
// Secret, so every use is easy to find.
func (s Secret) Reveal() string { return string(s) }

// String masks the secret: "" when unset, "****" plus the last four
// characters when it is long enough (12+) for that to be safe, else "****".
func (s Secret) String() string {
	switch {
	case s == "":
		return ""
	case len(s) >= 12:
		return "****" + string(s[len(s)-4:])
	default:
		return "****"
	}
}

// GoString keeps %#v masked.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.String()) }

// Format applies any fmt verb to the masked form. Without it a verb such as
// %d would make fmt print the raw string inside its error text.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), s.String())
}

// LogValue keeps slog output masked.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON keeps JSON output masked.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalYAML keeps YAML output masked. Decoding is unaffected: a YAML
// string still loads into a Secret in clear text.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalText keeps other encoders (XML, slog's text form of a bare value)
// masked.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
