package storage

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pipbot/pipbot/bot"
	"github.com/pipbot/pipbot/storage/storagetest"
)

// BenchmarkInboxPut measures concurrent Puts, as 32 platform requests in
// flight make them: go test ./storage -bench InboxPut -run '^$'.
func BenchmarkInboxPut(b *testing.B) {
	for _, k := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storagetest.SQLite}, {"postgres", storagetest.Postgres}, {"mysql", storagetest.MySQL}} {
		b.Run(k.name, func(b *testing.B) {
			db, err := Open(b.Context(), k.dsn(b), slog.New(slog.DiscardHandler))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(b.Context()); err != nil {
				b.Fatal(err)
			}
			var seq atomic.Int64
			payload := make([]byte, 900)
			b.SetParallelism(32)
			cpu0 := cpuTime()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := seq.Add(1)
					d := bot.Delivery{Source: "bench", Tenant: "slack:T1", Payload: payload, ReceivedAt: time.Now(),
						Keys: []string{fmt.Sprintf("bench:ev:%d", i), fmt.Sprintf("bench:msg:%d", i)}}
					if fresh, err := db.Put(b.Context(), &d); err != nil || !fresh {
						b.Fatalf("Put: %v, %v", fresh, err)
					}
				}
			})
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// cpuTime is the CPU time this process has used, user and system: on a
// shared machine it says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
