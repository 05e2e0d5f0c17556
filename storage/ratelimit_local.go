package storage

import (
	"math"
	"sync"
	"time"
)

// localBuckets are the token buckets of an embedded Redis, kept in this
// process: nothing else can reach an embedded Redis, so nothing needs them
// in it, and the embedded server runs allowScript through an interpreter
// at a few thousand calls a second, which a fan-out to thousands of people,
// a bucket each, outgrew. Same algorithm, same answers (see allowScript).
type localBuckets struct {
	mu    sync.Mutex
	m     map[string]*localBucket
	swept int64 // when expired buckets were last dropped (unix ms)
}

type localBucket struct {
	tokens float64
	ts     int64 // ms
	until  int64 // ms: after this the bucket is full again and can go
}

// sweepEvery is how often, at most, expired buckets are dropped.
const sweepEvery = time.Minute

func (l *localBuckets) allow(key string, rate float64, burst int, now int64) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*localBucket{}
	}
	if now-l.swept >= sweepEvery.Milliseconds() {
		for k, b := range l.m {
			if now > b.until {
				delete(l.m, k)
			}
		}
		l.swept = now
	}
	b := l.m[key]
	if b == nil || now > b.until {
		b = &localBucket{tokens: float64(burst), ts: now}
		l.m[key] = b
	}
	if now > b.ts {
		b.tokens = math.Min(float64(burst), b.tokens+float64(now-b.ts)*rate/1000)
		b.ts = now
	}
	b.until = now + int64(math.Ceil(float64(burst)*1000/rate)) + 1000
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration(math.Ceil((1-b.tokens)*1000/rate)) * time.Millisecond
}
