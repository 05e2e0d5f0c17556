package storage

import (
	"context"
	"fmt"
	"time"
)

// allowScript is a token bucket kept in a hash {tokens, ts}. ARGV: rate
// (tokens per second), burst, now (ms, from the caller's clock). It refills
// by the time elapsed since ts, capped at burst, takes one token if it can,
// and returns {allowed, ms to wait for the next token}.
const allowScript = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call("HMGET", KEYS[1], "tokens", "ts")
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
	tokens = burst
	ts = now
end
if now > ts then
	tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
	ts = now
end
local allowed = 0
local wait = 0
if tokens >= 1 then
	tokens = tokens - 1
	allowed = 1
else
	wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "ts", tostring(ts))
redis.call("PEXPIRE", KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, wait}`

// Allow takes one token from the bucket named key, which holds up to burst
// tokens and refills at rate per second, so that replicas together respect a
// platform's rate limit. When refused, wait is how long until a token is
// available. An embedded Redis keeps its buckets in this process
// (localBuckets).
func (r *Redis) Allow(ctx context.Context, key string, rate float64, burst int) (ok bool, wait time.Duration, err error) {
	if rate <= 0 || burst < 1 {
		return false, 0, fmt.Errorf("rate limit %s: need rate > 0 and burst ≥ 1, got %g and %d", key, rate, burst)
	}
	now := r.now().UnixMilli()
	if r.mini != nil {
		ok, wait := r.local.allow(key, rate, burst, now)
		return ok, wait, nil
	}
	res, err := r.allow.Run(ctx, r.client, []string{r.key("rate", key)}, rate, burst, now).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("rate limit %s: unexpected reply %v", key, res)
	}
	return res[0] == 1, time.Duration(res[1]) * time.Millisecond, nil
}
