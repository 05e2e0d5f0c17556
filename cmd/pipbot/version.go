package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
)

// runVersion prints "pipbot <version> (<go version>)".
func runVersion(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	_, err := fmt.Fprintf(e.stdout, "pipbot %s (%s)\n", version, runtime.Version())
	return err
}
