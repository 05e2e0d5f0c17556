// Command pipbot runs the improvement-plan bot: `pipbot serve` for Feishu/Lark
// and Slack, `pipbot chat` for a terminal demo, `pipbot migrate` for the
// database schema. Everything is wired by hand here; see run.go for the
// subcommands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is the release, set at build time with
// -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pipbot:", err)
		os.Exit(1)
	}
}
