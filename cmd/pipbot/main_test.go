package main

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strings"
	"testing"
)

// mapEnv is a getenv backed by a map, so tests never see the real environment.
func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// runCmd runs the program with args and returns what it printed.
func runCmd(t *testing.T, ctx context.Context, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(ctx, args, mapEnv(env), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestVersion(t *testing.T) {
	out, _, err := runCmd(t, t.Context(), nil, "", "version")
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	if want := "pipbot dev (" + runtime.Version() + ")\n"; out != want {
		t.Errorf("version printed %q, want %q", out, want)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}} {
		out, _, err := runCmd(t, t.Context(), nil, "", args...)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		for _, name := range []string{"serve", "chat", "migrate", "jobs", "audit", "calendar", "export", "version", "--config"} {
			if !strings.Contains(out, name) {
				t.Errorf("%q: usage does not mention %s:\n%s", args, name, out)
			}
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	out, errOut, err := runCmd(t, t.Context(), nil, "", "frobnicate")
	if err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Fatalf("err = %v, want unknown command", err)
	}
	if out != "" || !strings.Contains(errOut, "Commands:") {
		t.Errorf("want usage on stderr only; stdout %q, stderr %q", out, errOut)
	}
}

func TestFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--config", "does-not-exist.yaml", "migrate"}, "read config file"},
		{[]string{"migrate", "-c", "does-not-exist.yaml"}, "read config file"},
		{[]string{"migrate", "extra"}, "unexpected arguments: extra"},
		{[]string{"serve", "--no-such-flag"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		_, _, err := runCmd(t, t.Context(), nil, "", tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want it to mention %q", tt.args, err, tt.want)
		}
	}
}

func TestHelpFlag(t *testing.T) {
	var errb bytes.Buffer
	if err := run(t.Context(), []string{"chat", "-h"}, mapEnv(nil), strings.NewReader(""), io.Discard, &errb); err != nil {
		t.Fatalf("chat -h: %v", err)
	}
	if !strings.Contains(errb.String(), "-db") {
		t.Errorf("chat -h does not describe --db:\n%s", errb.String())
	}
}
