package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pipbot/pipbot/adapters/lark/larktest"
)

// planLogCapture keeps the counts of the planner's last "reminders planned"
// line and drops every other line.
type planLogCapture struct {
	mu     sync.Mutex
	counts map[string]int64
}

func (c *planLogCapture) Enabled(context.Context, slog.Level) bool { return true }
func (c *planLogCapture) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *planLogCapture) WithGroup(string) slog.Handler            { return c }

func (c *planLogCapture) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "reminders planned" {
		return nil
	}
	counts := map[string]int64{}
	r.Attrs(func(a slog.Attr) bool {
		if a.Value.Kind() == slog.KindInt64 {
			counts[a.Key] = a.Value.Int64()
		}
		return true
	})
	c.mu.Lock()
	c.counts = counts
	c.mu.Unlock()
	return nil
}

func (c *planLogCapture) last() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts
}

// memPeak samples the Go heap in use and the memory obtained from the OS.
type memPeak struct {
	done      chan struct{}
	wg        sync.WaitGroup
	heap, sys uint64
}

func startMemPeak(every time.Duration) *memPeak {
	p := &memPeak{done: make(chan struct{})}
	p.sample()
	p.wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-tick.C:
				p.sample()
			}
		}
	})
	return p
}

func (p *memPeak) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.heap, p.sys = max(p.heap, m.HeapInuse), max(p.sys, m.Sys)
}

// stop ends the sampling and returns the peaks, in bytes.
func (p *memPeak) stop() (heap, sys uint64) {
	close(p.done)
	p.wg.Wait()
	p.sample()
	return p.heap, p.sys
}

// resetHWM resets the process's peak resident set size (Linux clear_refs 5)
// and says whether it could.
func resetHWM() string {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return "(not reset)"
	}
	return "(reset before the run)"
}

// procStatusKB reads a kB field of /proc/self/status, 0 when absent.
func procStatusKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb
		}
	}
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// peakIn is the most messages in any window of span, msgs sorted by time.
func peakIn(msgs []larktest.Message, span time.Duration) int {
	best, lo := 0, 0
	for hi := range msgs {
		for msgs[hi].At.Sub(msgs[lo].At) >= span {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}
