// One load-generator process in Go, a drop-in for gen/worker.mjs: the same
// commands over Node's IPC channel (newline-delimited JSON on the file
// descriptor in NODE_CHANNEL_FD, as child_process.fork sets it up), the same
// replies, the same counting. It exists because a Node worker spends about
// 13 µs of CPU per event it receives (its stream machinery and string work),
// which on a two-core machine holding 100,000 streams takes as much CPU as
// the servers under test; a goroutine per stream on Go's poller costs a few.
//
// It runs single-threaded (GOMAXPROCS 1): ten of them share the client core,
// and one thread per worker needs no locking that could contend. All state is
// still guarded by one mutex, since the runtime may preempt a goroutine anywhere.
//
// GO_WORKER_CPUPROFILE=<path> writes a CPU profile to <path>.<pid> (read it
// with `go tool pprof -top build/gen/go-worker <file>`). Measured that way,
// over 30 broadcasts to 10,000 streams: the read and epoll_wait system calls
// take about half of the worker's time, parsing under a tenth.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// message is every command the coordinator (gen/generator.mjs) sends.
type message struct {
	ID           int    `json:"id"`
	Cmd          string `json:"cmd"`
	Port         int    `json:"port"`
	Path         string `json:"path"`
	Count        int    `json:"count"`
	Users        []int  `json:"users"`
	LocalAddress string `json:"localAddress"`
	Batch        int    `json:"batch"`
	TimeoutMs    int    `json:"timeoutMs"`
	DoneID       int    `json:"doneId"`
	Expect       int    `json:"expect"`
}

// stream is one SSE connection and what it has received.
type stream struct {
	sock     net.Conn
	user     int
	hasUser  bool
	ok       bool // a 200 text/event-stream head arrived
	dead     bool
	settled  bool
	settle   chan struct{}
	head     []byte
	chunked  bool
	chunk    []byte // a chunk-size line being read
	state    int    // 0 size line, 1 chunk data, 2 the CRLF after it
	left     int    // bytes of chunk data still to come
	pending  []byte // an SSE block not ended yet
	events   int
	got      int
	lat      float64 // µs, -1 until the first event of the armed batch
	last     int64
	disorder int
	flowGot  int
}

type armedBatch struct {
	id, batch, expect int
	done, extra       int
	started           int64
	cpu               float64
	timer             *time.Timer
}

type flowBatch struct {
	batch, received, disorder int
	lats                      []int64
	first, last, started      int64
	cpu                       float64
}

var (
	mu         sync.Mutex // guards everything below
	streams    []*stream
	open       int
	failures   int
	firstError string
	armed      *armedBatch
	flow       *flowBatch

	ipcOut *os.File
	sendMu sync.Mutex
	clock0 = time.Now()
	mono0  = monotonicNs()
)

// monotonicNs reads CLOCK_MONOTONIC, the clock of Node's process.hrtime.bigint(), which stamps the events.
func monotonicNs() int64 {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

// now is the same clock read through Go's own monotonic time (no system call per read).
func now() int64 { return mono0 + int64(time.Since(clock0)) }

func cpuMs() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

func send(v map[string]any) {
	b, _ := json.Marshal(v)
	sendMu.Lock()
	defer sendMu.Unlock()
	ipcOut.Write(append(b, '\n'))
}

// fail marks a stream dead once; the caller holds mu.
func fail(s *stream, why string) {
	if s.dead {
		return
	}
	s.dead = true
	if s.sock != nil {
		s.sock.Close()
	}
	if s.ok {
		open--
	}
	failures++
	if firstError == "" {
		firstError = why
	}
	settle(s)
	if armed != nil && s.ok {
		checkDone()
	}
}

func settle(s *stream) {
	if !s.settled {
		s.settled = true
		close(s.settle)
	}
}

// stamp finds `t=<ns> b=<batch> s=<seq>` in an event block (its data may be quoted by a serializer).
func stamp(block []byte) (t int64, b, seq int, ok bool) {
	i := bytes.Index(block, []byte("t="))
	if i < 0 {
		return
	}
	rest := block[i+2:]
	var v [3]int64
	for k, sep := range []string{" b=", " s=", ""} {
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 {
			return
		}
		v[k], _ = strconv.ParseInt(string(rest[:n]), 10, 64)
		rest = rest[n:]
		if sep != "" {
			if !bytes.HasPrefix(rest, []byte(sep)) {
				return
			}
			rest = rest[len(sep):]
		}
	}
	return v[0], int(v[1]), int(v[2]), true
}

func onEvent(s *stream, block []byte, at int64) {
	t, b, seq, ok := stamp(block)
	if !ok {
		return // comments, heartbeats, greetings
	}
	s.events++
	if flow != nil && b == flow.batch {
		onFlowEvent(s, t, seq, at)
		return
	}
	if armed == nil || b != armed.batch {
		return
	}
	if seq != s.got {
		s.disorder++
	}
	s.got++
	if s.got == 1 {
		s.lat = float64(at-t) / 1e3
	}
	s.last = at
	if s.got == armed.expect {
		armed.done++
		if armed.done >= open {
			checkDone()
		}
	} else if s.got > armed.expect {
		armed.extra++
	}
}

// onFlowEvent counts one event of a private channel: its own sequence, so a gap, a repeat or a reorder shows.
func onFlowEvent(s *stream, t int64, seq int, at int64) {
	if seq != s.flowGot {
		flow.disorder++
	}
	s.flowGot++
	flow.received++
	flow.lats = append(flow.lats, (at-t+500)/1000)
	if flow.first == 0 {
		flow.first = at
	}
	flow.last = at
}

// feed splits event-stream bytes into blocks at blank lines.
func feed(s *stream, data []byte, at int64) {
	s.pending = append(s.pending, data...)
	for {
		i := bytes.Index(s.pending, []byte("\n\n"))
		if i < 0 {
			break
		}
		onEvent(s, s.pending[:i], at)
		s.pending = s.pending[i+2:]
	}
	if len(s.pending) == 0 {
		s.pending = s.pending[:0:0] // let a grown buffer go
	}
}

// dechunk is a minimal chunked-transfer decoder: size line, data, CRLF, repeat.
func dechunk(s *stream, data []byte, at int64) {
	for len(data) > 0 && !s.dead {
		switch s.state {
		case 0:
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				s.chunk = append(s.chunk, data...)
				return
			}
			s.chunk = append(s.chunk, data[:i]...)
			data = data[i+1:]
			size, err := strconv.ParseInt(strings.TrimSpace(string(s.chunk)), 16, 64)
			s.chunk = s.chunk[:0]
			if err != nil || size < 0 {
				fail(s, "bad chunk size")
				return
			}
			if size == 0 {
				fail(s, "server ended the stream")
				return
			}
			s.left, s.state = int(size), 1
		case 1:
			take := s.left
			if take > len(data) {
				take = len(data)
			}
			feed(s, data[:take], at)
			data = data[take:]
			if s.left -= take; s.left == 0 {
				s.state, s.left = 2, 2
			}
		case 2:
			for s.left > 0 && len(data) > 0 {
				data, s.left = data[1:], s.left-1
			}
			if s.left == 0 {
				s.state = 0
			}
		}
	}
}

func onData(s *stream, data []byte, at int64) {
	if !s.ok {
		s.head = append(s.head, data...)
		i := bytes.Index(s.head, []byte("\r\n\r\n"))
		if i < 0 {
			return
		}
		head := strings.ToLower(string(s.head[:i]))
		rest := s.head[i+4:]
		s.head = nil
		if !strings.HasPrefix(head, "http/1.1 200") {
			fail(s, "status: "+strings.SplitN(head, "\r\n", 2)[0])
			return
		}
		if !headerHas(head, "content-type", "text/event-stream") {
			fail(s, "content-type is not text/event-stream")
			return
		}
		s.chunked = headerHas(head, "transfer-encoding", "chunked")
		s.ok = true
		open++
		settle(s)
		data = rest
		if len(data) == 0 {
			return
		}
	}
	if s.chunked {
		dechunk(s, data, at)
	} else {
		feed(s, data, at)
	}
}

// headerHas says whether a lower-cased response head has a header starting with value.
func headerHas(head, name, value string) bool {
	for _, line := range strings.Split(head, "\r\n")[1:] {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == name && strings.HasPrefix(strings.TrimSpace(v), value) {
			return true
		}
	}
	return false
}

// openOne connects one stream and reads it until it dies; it returns once the head is in or the stream failed.
func openOne(port int, path, local string, timeout time.Duration, user int, hasUser bool) <-chan struct{} {
	s := &stream{user: user, hasUser: hasUser, lat: -1, settle: make(chan struct{})}
	mu.Lock()
	streams = append(streams, s)
	mu.Unlock()
	go func() {
		timer := time.AfterFunc(timeout, func() {
			mu.Lock()
			if !s.ok {
				fail(s, "no response headers in time")
			}
			mu.Unlock()
		})
		defer timer.Stop()
		dialer := net.Dialer{Timeout: timeout, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
		sock, err := dialer.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		mu.Lock()
		if err != nil {
			fail(s, dialError(err))
			mu.Unlock()
			return
		}
		s.sock = sock
		if s.dead { // timed out while connecting
			sock.Close()
			mu.Unlock()
			return
		}
		mu.Unlock()
		req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n", path, port)
		if _, err := sock.Write([]byte(req)); err != nil {
			mu.Lock()
			fail(s, dialError(err))
			mu.Unlock()
			return
		}
		buf := make([]byte, 2048)
		for {
			n, err := sock.Read(buf)
			at := now()
			mu.Lock()
			if n > 0 && !s.dead {
				onData(s, buf[:n], at)
			}
			if err != nil || s.dead {
				if err != nil && !s.dead {
					fail(s, readError(err))
				}
				mu.Unlock()
				return
			}
			mu.Unlock()
		}
	}()
	return s.settle
}

// dialError names a failure as Node would (ECONNREFUSED, EADDRNOTAVAIL…) where it can.
func dialError(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if name, ok := errnoNames[errno]; ok {
			return name
		}
	}
	return err.Error()
}

func readError(err error) string {
	if errors.Is(err, net.ErrClosed) || err.Error() == "EOF" {
		return "closed by server"
	}
	return dialError(err)
}

var errnoNames = map[syscall.Errno]string{
	syscall.ECONNREFUSED:  "ECONNREFUSED",
	syscall.ECONNRESET:    "ECONNRESET",
	syscall.EADDRNOTAVAIL: "EADDRNOTAVAIL",
	syscall.EADDRINUSE:    "EADDRINUSE",
	syscall.EMFILE:        "EMFILE",
	syscall.ETIMEDOUT:     "ETIMEDOUT",
	syscall.EPIPE:         "EPIPE",
}

func connect(m message) map[string]any {
	mu.Lock()
	before := failures
	mu.Unlock()
	start := time.Now()
	count := m.Count
	if m.Users != nil {
		count = len(m.Users)
	}
	timeout := time.Duration(m.TimeoutMs) * time.Millisecond
	for done := 0; done < count; {
		n := m.Batch
		if n > count-done {
			n = count - done
		}
		waits := make([]<-chan struct{}, 0, n)
		for i := 0; i < n; i++ {
			path, user, hasUser := m.Path, 0, m.Users != nil
			if hasUser {
				user = m.Users[done+i]
				path = strings.ReplaceAll(path, "{user}", strconv.Itoa(user))
			}
			waits = append(waits, openOne(m.Port, path, m.LocalAddress, timeout, user, hasUser))
		}
		for _, w := range waits {
			<-w
		}
		done += n
	}
	mu.Lock()
	defer mu.Unlock()
	return map[string]any{"id": m.ID, "held": open, "errors": failures - before, "totalErrors": failures, "firstError": firstError, "ms": time.Since(start).Milliseconds()}
}

func checkDone() {
	if armed != nil && armed.done >= open {
		finish(false)
	}
}

// finish reports the armed batch; the caller holds mu.
func finish(timedOut bool) {
	a := armed
	if a == nil {
		return
	}
	armed = nil
	a.timer.Stop()
	lats := make([]float64, 0, len(streams))
	complete, incomplete, received, disorder := 0, 0, 0, 0
	var last int64
	for _, s := range streams {
		if !s.ok {
			continue
		}
		received += s.got
		disorder += s.disorder
		if s.dead {
			if s.got < a.expect {
				incomplete++
			}
			continue
		}
		if s.got == a.expect {
			complete++
		} else {
			incomplete++
		}
		if s.lat >= 0 {
			lats = append(lats, s.lat)
		}
		if s.last > last {
			last = s.last
		}
	}
	send(map[string]any{
		"id": a.id, "done": true, "timedOut": timedOut, "complete": complete, "incomplete": incomplete,
		"received": received, "extra": a.extra, "outOfOrder": disorder, "open": open, "lats": lats,
		"last": strconv.FormatInt(last, 10), "cpuMs": cpuMs() - a.cpu, "wallMs": float64(now()-a.started) / 1e6,
	})
}

func arm(m message) {
	mu.Lock()
	defer mu.Unlock()
	for _, s := range streams {
		s.got, s.lat, s.last, s.disorder = 0, -1, 0, 0
	}
	a := &armedBatch{id: m.DoneID, batch: m.Batch, expect: m.Expect, started: now(), cpu: cpuMs()}
	a.timer = time.AfterFunc(time.Duration(m.TimeoutMs)*time.Millisecond, func() {
		mu.Lock()
		defer mu.Unlock()
		if armed == a {
			finish(true)
		}
	})
	armed = a
	send(map[string]any{"id": m.ID, "armed": true})
	if open == 0 {
		finish(false)
	}
}

func flowEnd(m message) map[string]any {
	mu.Lock()
	defer mu.Unlock()
	f := flow
	flow = nil
	users, got := []int{}, []int{}
	dead := 0
	for _, s := range streams {
		if !s.hasUser {
			continue
		}
		users = append(users, s.user)
		got = append(got, s.flowGot)
		if s.dead {
			dead++
		}
	}
	lats := f.lats
	if lats == nil {
		lats = []int64{}
	}
	return map[string]any{
		"id": m.ID, "users": users, "got": got, "dead": dead, "received": f.received, "outOfOrder": f.disorder,
		"lats": lats, "first": strconv.FormatInt(f.first, 10), "last": strconv.FormatInt(f.last, 10),
		"cpuMs": cpuMs() - f.cpu, "wallMs": float64(now()-f.started) / 1e6,
	}
}

// closeAll resets every stream (no TIME_WAIT left holding the source address's ports) and exits.
func closeAll(m message) {
	mu.Lock()
	for _, s := range streams {
		s.dead = true
		if tcp, ok := s.sock.(*net.TCPConn); ok {
			tcp.SetLinger(0)
			tcp.Close()
		}
	}
	mu.Unlock()
	stopProfile() // before the reply: the coordinator kills the worker once it has it
	send(map[string]any{"id": m.ID, "closed": true})
	os.Exit(0)
}

var profiling bool

func stopProfile() {
	if profiling {
		pprof.StopCPUProfile()
	}
}

func handle(m message) {
	switch m.Cmd {
	case "connect":
		send(connect(m))
	case "arm":
		arm(m)
	case "flow-start":
		mu.Lock()
		for _, s := range streams {
			s.flowGot = 0
		}
		flow = &flowBatch{batch: m.Batch, started: now(), cpu: cpuMs()}
		mu.Unlock()
		send(map[string]any{"id": m.ID, "started": true})
	case "flow-count":
		mu.Lock()
		received := 0
		if flow != nil {
			received = flow.received
		}
		mu.Unlock()
		send(map[string]any{"id": m.ID, "received": received})
	case "flow-end":
		send(flowEnd(m))
	case "stats":
		mu.Lock()
		events := 0
		for _, s := range streams {
			events += s.events
		}
		reply := map[string]any{"id": m.ID, "open": open, "errors": failures, "firstError": firstError, "events": events}
		mu.Unlock()
		send(reply)
	case "close":
		closeAll(m)
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	if path := os.Getenv("GO_WORKER_CPUPROFILE"); path != "" {
		f, _ := os.Create(fmt.Sprintf("%s.%d", path, os.Getpid()))
		pprof.StartCPUProfile(f)
		profiling = true
	}
	fd, err := strconv.Atoi(os.Getenv("NODE_CHANNEL_FD"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-worker: run me with child_process.fork (no NODE_CHANNEL_FD)")
		os.Exit(2)
	}
	ipc := os.NewFile(uintptr(fd), "ipc")
	ipcOut = ipc
	lines := bufio.NewReaderSize(ipc, 1<<20)
	for {
		line, err := lines.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var m message
			if json.Unmarshal(line, &m) == nil && m.Cmd != "" {
				// connect waits for its streams; the rest answer at once. Either way the reader goes on.
				if m.Cmd == "connect" {
					go handle(m)
				} else {
					handle(m)
				}
			}
		}
		if err != nil {
			stopProfile()
			os.Exit(0) // the coordinator went away
		}
	}
}
