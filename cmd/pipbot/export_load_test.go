package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipbot/pipbot/storage/storagetest"
)

// exportLoadPlans is the size of the export figure: a tenant of 10,000
// plans, each with two problems, two goals, three actions, a tracking
// note, a weekly update and an interview.
const exportLoadPlans = 10000

// TestExportLoad is the export's closing figure: the time, the peak heap
// and the workbook size of `pipbot export` of every plan of a tenant with
// 10,000 plans. It runs only with PIPBOT_LOAD=1; PIPBOT_TEST_POSTGRES or
// PIPBOT_TEST_MYSQL adds those databases:
//
//	PIPBOT_LOAD=1 go test -count=1 -run ExportLoad -v -timeout 20m ./cmd/pipbot
func TestExportLoad(t *testing.T) {
	if os.Getenv("PIPBOT_LOAD") != "1" {
		t.Skip("set PIPBOT_LOAD=1 to run the export load figure")
	}
	storagetest.EachSQL(t, func(t *testing.T, dsn string) {
		start := time.Now()
		seedExport(t, dsn, exportLoadPlans)
		t.Logf("seeded %d plans in %s", exportLoadPlans, time.Since(start).Round(time.Millisecond))
		for _, format := range []string{"xlsx", "csv"} {
			out := filepath.Join(t.TempDir(), "all."+format)
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			peak, stop := sampleHeap()
			began := time.Now()
			stdout, _, err := runCmd(t, t.Context(), map[string]string{"PIPBOT_DB": dsn, "USER": "load"}, "",
				"export", "--tenant", exportTenant, "--format", format, "-o", out)
			took := time.Since(began)
			stop()
			if err != nil {
				t.Fatal(err)
			}
			var size int64
			matches, _ := filepath.Glob(strings.TrimSuffix(out, "."+format) + "*")
			for _, m := range matches {
				if fi, err := os.Stat(m); err == nil {
					size += fi.Size()
				}
			}
			t.Logf("%s: exported %d plans in %s, peak heap %.0f MiB (above %.0f MiB before), %d files, %.1f MiB\n%s",
				format, exportLoadPlans, took.Round(time.Millisecond), float64(peak.Load())/(1<<20), float64(base.HeapAlloc)/(1<<20),
				len(matches), float64(size)/(1<<20), stdout)
			if !strings.Contains(stdout, "6 tables") {
				t.Errorf("the export did not write the six tables:\n%s", stdout)
			}
		}
	})
}

// sampleHeap records the largest HeapAlloc seen every 20 ms until stop.
func sampleHeap() (*atomic.Uint64, func()) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return &peak, func() { close(done); wg.Wait() }
}
