// Package console is a terminal chat with pipbot over an io.Reader and an
// io.Writer: type as anyone in a demo organisation, click buttons by number
// and fill in forms line by line. It needs no platform account, and the same
// loop drives the end-to-end tests.
package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/pipbot/pipbot/bot"
)

// Handler is the one engine method the console calls; *bot.Engine satisfies it
// and tests pass a fake.
type Handler interface {
	Handle(ctx context.Context, cmd bot.Command) ([]bot.Reply, error)
}

// Options wires an Adapter. In, Out and at least one person are required.
type Options struct {
	// In is what the person types, one command or message per line.
	In io.Reader
	// Out receives prompts and rendered replies, as plain text without colours.
	Out io.Writer
	// Tenant is put on every command, e.g. "console:demo".
	Tenant string
	// People is the demo organisation; you start as People[0].
	People []bot.Person
	// Locale picks the language of the console's own prompts; zh by default.
	Locale bot.Locale
	// Clock, when set, stamps notifications and group posts with a time;
	// without it the output has no time in it.
	Clock func() time.Time
	// TZ is the zone times are shown in; UTC by default.
	TZ *time.Location
	// Echo writes each line read after its prompt, so a transcript of a
	// scripted session reads like a terminal one.
	Echo bool
	// Log receives internal errors; discarded by default.
	Log *slog.Logger
}

// handleTimeout bounds one engine call, like a platform's callback window.
const handleTimeout = 30 * time.Second

// groupChatID is the demo team group every person belongs to.
const groupChatID = "group:demo"

// Adapter is one terminal session. Run it once; it is not safe for
// concurrent use.
type Adapter struct {
	h      Handler
	opts   Options
	ui     *ui
	log    *slog.Logger
	lines  <-chan readResult
	cur    int  // index into opts.People
	group  bool // talking in the team group instead of the direct chat
	events int  // counter for EventID
	mem    memory
}

// New builds an Adapter that sends what is typed to h.
func New(h Handler, opts Options) *Adapter {
	if opts.Tenant == "" {
		opts.Tenant = "console:demo"
	}
	if opts.TZ == nil {
		opts.TZ = time.UTC
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	people := make([]bot.Person, len(opts.People))
	for i, p := range opts.People {
		if p.Tenant == "" {
			p.Tenant = opts.Tenant
		}
		people[i] = p
	}
	opts.People = people
	return &Adapter{h: h, opts: opts, ui: uiFor(opts.Locale),
		log: log.With("component", "console"), mem: newMemory()}
}

// Run reads lines until EOF, /quit or ctx is done. It returns nil at EOF or
// /quit and ctx's error when cancelled. A blocked read of In outlives Run.
func (a *Adapter) Run(ctx context.Context) error {
	switch {
	case a.opts.In == nil || a.opts.Out == nil:
		return errors.New("console: Options.In and Options.Out are required")
	case len(a.opts.People) == 0:
		return errors.New("console: no people to chat as")
	}
	done := make(chan struct{})
	defer close(done)
	a.lines = readLines(a.opts.In, done)
	for {
		line, err := a.ask(ctx, a.prompt())
		quit := false
		if err == nil {
			quit, err = a.exec(ctx, strings.TrimSpace(line))
		}
		if errors.Is(err, io.EOF) {
			a.println("")
			return nil
		}
		if quit || err != nil {
			return err
		}
	}
}

// exec runs one typed line; quit is true when the session should end.
func (a *Adapter) exec(ctx context.Context, line string) (quit bool, err error) {
	if line == "" {
		return false, nil
	}
	if n, ok := buttonNumber(line); ok {
		return false, a.click(ctx, n)
	}
	if strings.HasPrefix(line, "/") {
		if handled, quit, err := a.command(ctx, line); handled {
			return quit, err
		}
	}
	cmd := a.newCommand()
	cmd.Text = rewriteMentions(line, a.opts.People)
	return false, a.send(ctx, &cmd, nil)
}

// newCommand is a Command from the current person in the current chat.
func (a *Adapter) newCommand() bot.Command {
	a.events++
	return bot.Command{
		Platform: bot.PlatformConsole,
		Tenant:   a.opts.Tenant,
		Actor:    a.me(),
		Chat:     a.chat(),
		EventID:  fmt.Sprintf("console-%d", a.events),
	}
}

// send hands cmd to the engine, shows the replies and walks the person
// through any form they received, sending each submission the same way.
// from is the card that was clicked, the one Replace replies update; with a
// nil cmd, send starts by filling in from's form.
func (a *Adapter) send(ctx context.Context, cmd *bot.Command, from *card) error {
	var submitted *bot.Form // the form cmd submits, shown again on field errors
	var problems map[string]string
	walk := from
	if cmd != nil {
		walk = nil
	}
	for {
		if walk != nil {
			next, err := a.fillForm(ctx, walk, problems)
			if err != nil || next == nil {
				return err
			}
			cmd, from, submitted = next, walk, walk.form
			walk.form = nil
		}
		replies, failed := a.handle(ctx, *cmd)
		walk = a.deliver(replies, from)
		if failed {
			a.println(a.ui.internal)
		}
		problems = fieldErrors(replies)
		if walk == nil && len(problems) > 0 && submitted != nil {
			from.form = refill(*submitted, cmd.Action.Values)
			a.mem.index(from)
			walk = from
		}
		if walk == nil {
			return nil
		}
	}
}

// handle calls the engine with a deadline. An error is logged, never shown:
// the replies explain it to the user, and failed asks for a one-line note.
func (a *Adapter) handle(ctx context.Context, cmd bot.Command) (replies []bot.Reply, failed bool) {
	hctx, cancel := context.WithTimeout(ctx, handleTimeout)
	defer cancel()
	replies, err := a.h.Handle(hctx, cmd)
	if err != nil {
		a.log.ErrorContext(ctx, "handle command", "tenant", cmd.Tenant,
			"user_id", cmd.Actor.ID, "event_id", cmd.EventID, "err", err)
	}
	return replies, err != nil
}

func (a *Adapter) me() bot.Person { return a.opts.People[a.cur] }

func (a *Adapter) chat() bot.Chat {
	if a.group {
		return bot.Chat{ID: groupChatID, Group: true}
	}
	return bot.Chat{ID: "dm:" + a.me().ID}
}

func (a *Adapter) prompt() string {
	where := a.ui.dm
	if a.group {
		where = a.ui.group + " " + groupChatID
	}
	name := a.me().Name
	if name == "" {
		name = a.me().ID
	}
	if role := a.roleHint(a.me()); role != "" {
		name += " " + role
	}
	return fmt.Sprintf("[%s · %s] > ", name, where)
}

func (a *Adapter) println(s string) { fmt.Fprintln(a.opts.Out, s) }
