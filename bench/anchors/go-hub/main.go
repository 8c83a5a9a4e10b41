// Command go-hub is an SSE broadcast hub written the way most Go hubs are:
// net/http, one goroutine per subscriber (the handler's own) draining a
// buffered channel, and a publisher that never waits for a slow subscriber
// (a full channel drops that subscriber). Standard library only.
//
// It is the Go anchor of the streamnest benchmark (bench/README.md, "Anchors"):
//
//	GET  /sse      subscribes (text/event-stream) until the client leaves
//	POST /publish  sends the body to every subscriber as one event's data
//	GET  /stats    {"clients":N,"dropped":N,"goroutines":N}
//	POST /gc       collects garbage and returns freed memory to the OS
//
// /publish and /gc answer loopback clients only. The address it listens on is
// printed on stdout as "listening on HOST:PORT".
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// maxBody bounds a published event: the bench's are under 100 bytes.
const maxBody = 64 << 10

type client struct {
	events chan []byte
	// dropped is closed when the hub gives up on the client (its queue was full).
	dropped chan struct{}
}

type hub struct {
	mu      sync.Mutex
	clients map[*client]struct{}
	queue   int
	drops   int
}

func newHub(queue int) *hub {
	return &hub{clients: make(map[*client]struct{}), queue: queue}
}

func (h *hub) add() *client {
	c := &client{events: make(chan []byte, h.queue), dropped: make(chan struct{})}
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	return c
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

// broadcast queues one framed event for every client without blocking: a
// client whose queue is full is too slow to keep, so it is dropped rather
// than allowed to hold up everyone else.
func (h *hub) broadcast(frame []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c.events <- frame:
		default:
			delete(h.clients, c)
			close(c.dropped)
			h.drops++
		}
	}
}

func (h *hub) stats() (clients, drops int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients), h.drops
}

// frame encodes a body once for every subscriber: one "data:" line per line.
func frame(body []byte) []byte {
	var b bytes.Buffer
	for _, line := range bytes.Split(body, []byte("\n")) {
		b.WriteString("data: ")
		b.Write(bytes.TrimSuffix(line, []byte("\r")))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

func (h *hub) serveSSE(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	// The client knows it is subscribed once it has the headers.
	flusher.Flush()

	c := h.add()
	defer h.remove(c)
	for {
		select {
		case ev := <-c.events:
			if _, err := w.Write(ev); err != nil {
				return
			}
			// Whatever else queued up meanwhile goes out with the same flush,
			// so a burst costs one write per client, not one per event.
			for n := len(c.events); n > 0; n-- {
				if _, err := w.Write(<-c.events); err != nil {
					return
				}
			}
			flusher.Flush()
		case <-c.dropped:
			return
		case <-r.Context().Done():
			return
		}
	}
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (h *hub) servePublish(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !fromLoopback(r) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	h.broadcast(frame(body))
	w.WriteHeader(http.StatusNoContent)
}

func (h *hub) serveStats(w http.ResponseWriter, _ *http.Request) {
	clients, drops := h.stats()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]int{"clients": clients, "dropped": drops, "goroutines": runtime.NumGoroutine()})
}

// serveGC is the counterpart of the two full collections the harness runs in
// a Node server before it reads the RSS: without it the figure would include
// garbage the collector has not got to yet, and freed pages Go keeps mapped.
func serveGC(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !fromLoopback(r) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	debug.FreeOSMemory()
	w.WriteHeader(http.StatusNoContent)
}

// exitWithStdin ends the process when its parent goes away, even if the parent
// was killed outright: the harness holds the other end of stdin.
func exitWithStdin() {
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	queue := flag.Int("queue", 256, "events queued per client before the client is dropped as too slow")
	stdinLifetime := flag.Bool("exit-on-stdin-eof", false, "exit when stdin closes")
	flag.Parse()
	if *stdinLifetime {
		go exitWithStdin()
	}

	h := newHub(*queue)
	mux := http.NewServeMux()
	mux.HandleFunc("/sse", h.serveSSE)
	mux.HandleFunc("/publish", h.servePublish)
	mux.HandleFunc("/stats", h.serveStats)
	mux.HandleFunc("/gc", serveGC)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	// No WriteTimeout: it bounds the whole response, and a stream never ends.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
