package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readResult is one line of input, or the error that ended it (io.EOF at the end).
type readResult struct {
	line string
	err  error
}

// maxLine is the longest line accepted, generous for pasted plan text.
const maxLine = 1 << 20

// readLines reads r line by line in its own goroutine, so that Run can return
// as soon as ctx is done even while a terminal read is blocked. It stops
// sending once done is closed.
func readLines(r io.Reader, done <-chan struct{}) <-chan readResult {
	ch := make(chan readResult)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64*1024), maxLine)
		for sc.Scan() {
			select {
			case ch <- readResult{line: strings.TrimSuffix(sc.Text(), "\r")}:
			case <-done:
				return
			}
		}
		err := sc.Err()
		if err == nil {
			err = io.EOF
		}
		select {
		case ch <- readResult{err: err}:
		case <-done:
		}
	}()
	return ch
}

// ask writes prompt and waits for the next line. It returns io.EOF at the end
// of input and ctx's error when ctx is done first.
func (a *Adapter) ask(ctx context.Context, prompt string) (string, error) {
	fmt.Fprint(a.opts.Out, prompt)
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r, ok := <-a.lines:
		if !ok {
			return "", io.EOF
		}
		if r.err != nil {
			if r.err != io.EOF {
				r.err = fmt.Errorf("console: read input: %w", r.err)
			}
			return "", r.err
		}
		if a.opts.Echo {
			fmt.Fprintln(a.opts.Out, r.line)
		}
		return r.line, nil
	}
}

// confirm asks a yes/no question; anything but a yes is a no.
func (a *Adapter) confirm(ctx context.Context, question string) (bool, error) {
	line, err := a.ask(ctx, fmt.Sprintf(a.ui.confirm, question))
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "ok", "是", "好", "确认", "确定":
		return true, nil
	}
	return false, nil
}

// buttonNumber reports whether line is a bare button number such as "2".
func buttonNumber(line string) (int, bool) {
	n, err := strconv.Atoi(line)
	return n, err == nil && line[0] != '+' && line[0] != '-'
}
