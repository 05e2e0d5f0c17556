package storage

import (
	"fmt"
	"testing"
	"time"
)

// TestLocalBucketsForget: an embedded Redis's buckets, one per person in a
// fan-out, are dropped once full again, so a process that reminded 10,000
// people does not keep 10,000 buckets; a bucket still refilling is kept
// and still refuses.
func TestLocalBucketsForget(t *testing.T) {
	var l localBuckets
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC).UnixMilli()
	for i := range 10_000 {
		if ok, _ := l.allow(fmt.Sprintf("lark:user:%d", i), 5, 1, t0); !ok {
			t.Fatalf("first call of bucket %d refused", i)
		}
	}
	if ok, wait := l.allow("lark:user:0", 5, 1, t0); ok || wait != 200*time.Millisecond {
		t.Fatalf("second call at once: %v, wait %v; want refused, 200ms", ok, wait)
	}
	later := t0 + (2 * time.Minute).Milliseconds()
	if ok, _ := l.allow("lark:app", 1, 1, later); !ok {
		t.Fatal("a new bucket two minutes later refused")
	}
	if n := len(l.m); n != 1 {
		t.Errorf("%d buckets kept two minutes later; want 1 (the new one)", n)
	}
}
