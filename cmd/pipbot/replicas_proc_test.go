package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// The multi-replica test runs the real binary: built once per test run with
// the link-time tuning below, started as `pipbot serve` OS processes, and
// killed (SIGTERM, or SIGKILL when a test says so) at cleanup.

// Link-time tuning of the binary under test (see linkTuning): the fakes'
// ceilings and pipbot's send buckets are both scaled by replicaScale, as
// TestDeliverLoad scales them in process, and a killed replica's leases
// run out in replicaLease instead of 2 minutes.
const (
	replicaScale    = 20
	replicaLease    = 20 * time.Second
	replicaDispatch = 2 * time.Second
)

// buildTuned builds pipbot from this package into a temporary directory,
// with the link-time tuning, and returns the binary's path.
func buildTuned(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pipbot")
	tune := fmt.Sprintf("pace=%d,lease=%s,dispatch=%s", replicaScale, replicaLease, replicaDispatch)
	start := time.Now()
	out, err := exec.Command("go", "build", "-ldflags", "-X main.linkTuning="+tune, "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built pipbot with %s in %v", tune, time.Since(start).Round(time.Millisecond))
	return bin
}

// replicaProc is one `pipbot serve` process.
type replicaProc struct {
	name string
	cmd  *exec.Cmd
	url  string        // http://127.0.0.1:port
	log  string        // its stdout and stderr
	done chan struct{} // closed when it has exited
}

// startReplica starts `bin serve` in dir with env and PIPBOT_ADDR on a free
// port, learns the port from its "listening" log line and waits until
// /readyz answers 200. Cleanup stops it with SIGTERM, then SIGKILL.
func startReplica(t *testing.T, bin, dir, name string, env []string) *replicaProc {
	t.Helper()
	p := &replicaProc{name: name, log: filepath.Join(dir, name+".log"), done: make(chan struct{})}
	logFile, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Dir = dir
	p.cmd.Env = append(env, "PIPBOT_ADDR=127.0.0.1:0", "HOME="+dir)
	p.cmd.Stdout, p.cmd.Stderr = logFile, pw
	orphanGuard(p.cmd)
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	addr := make(chan string, 1)
	go func() {
		defer logFile.Close()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			_, _ = logFile.Write(append(line, '\n'))
			var l struct{ Msg, Addr string }
			if bytes.Contains(line, []byte(`"listening"`)) && json.Unmarshal(line, &l) == nil && l.Msg == "listening" {
				select {
				case addr <- l.Addr:
				default:
				}
			}
		}
	}()
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.stop)

	select {
	case a := <-addr:
		p.url = "http://" + a
	case <-p.done:
		t.Fatalf("%s exited at start:\n%s", name, p.tail())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not listen within 30 s:\n%s", name, p.tail())
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within 30 s:\n%s", name, p.tail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *replicaProc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// alive reports whether the process still runs.
func (p *replicaProc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// stop ends the process as an orchestrator does: SIGTERM, and SIGKILL
// after 5 s.
func (p *replicaProc) stop() {
	if !p.alive() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.kill()
	}
}

// tail is the end of the process's log, for a failure message.
func (p *replicaProc) tail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// errors are the lines the process logged at level ERROR so far.
func (p *replicaProc) errors() []string {
	b, _ := os.ReadFile(p.log)
	var out []string
	for line := range bytes.Lines(b) {
		if bytes.Contains(line, []byte(`"level":"ERROR"`)) {
			out = append(out, string(bytes.TrimSpace(line)))
		}
	}
	return out
}
