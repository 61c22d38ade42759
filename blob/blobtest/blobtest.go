// Package blobtest is the conformance suite of blob.Store: the same tests,
// run unchanged by every implementation (the disk, PostgreSQL, and any
// later one such as S3), so that all keep the guarantees of package blob.
// An implementation's test calls
//
//	func TestStore(t *testing.T) { blobtest.Run(t, blobtest.Factory{New: …, Open: …}) }
//
// The crash test kills a real process in the middle of a Put: it runs the
// test binary again (the same top-level test, with an environment variable
// naming the store's location), which starts a Put and sends itself
// SIGKILL halfway through; then it opens the store and checks that the
// half blob is nowhere and the blob the key held before is whole.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"testing"
	"time"

	"skranke/blob"
	"skranke/chat"
)

// Factory makes the stores the suite tests.
type Factory struct {
	// New returns the location of a new, empty store (a folder, a schema),
	// removed when t ends.
	New func(t *testing.T) string
	// Open opens the store at a location; the suite closes it. It is also
	// called in the crash test's child process.
	Open func(t testing.TB, location string) blob.Store
}

// crashEnv names the environment variable that makes Run the crash test's
// child: "KEY LOCATION".
const crashEnv = "SKRANKE_BLOBTEST_CRASH"

// Run runs the suite. In the crash test's child process it never returns.
func Run(t *testing.T, f Factory) {
	if v := os.Getenv(crashEnv); v != "" {
		crashChild(t, f, v)
		return
	}
	open := func(t *testing.T) blob.Store {
		t.Helper()
		s := f.Open(t, f.New(t))
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close() = %v", err)
			}
		})
		return s
	}
	for _, tt := range []struct {
		name string
		test func(t *testing.T, s blob.Store)
	}{
		{"PutOpen", testPutOpen},
		{"Replace", testReplace},
		{"Missing", testMissing},
		{"Delete", testDelete},
		{"FailedPut", testFailedPut},
		{"CancelledPut", testCancelledPut},
		{"Seek", testSeek},
		{"Concurrent", testConcurrent},
		{"Keys", testKeys},
		{"PutFile", testPutFile},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t, open(t))
		})
	}
	// Not parallel: they measure the process's heap.
	t.Run("Memory", func(t *testing.T) { testMemory(t, open(t)) })
	t.Run("Crash", func(t *testing.T) { testCrash(t, f) })
}

// random returns n pseudo-random bytes from seed.
func random(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 42))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func mustPut(t *testing.T, s blob.Store, key string, data []byte) {
	t.Helper()
	n, err := s.Put(t.Context(), key, bytes.NewReader(data))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Put(%s, %d bytes) = %d, %v", key, len(data), n, err)
	}
}

// read returns the whole blob under key, failing t if it cannot.
func read(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	o, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%s) = %v", key, err)
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if o.Size() != int64(len(b)) {
		t.Errorf("Open(%s).Size() = %d, but it read %d bytes", key, o.Size(), len(b))
	}
	return b
}

func wantMissing(t *testing.T, s blob.Store, key string) {
	t.Helper()
	o, err := s.Open(t.Context(), key)
	if err == nil {
		o.Close()
		t.Fatalf("Open(%s) found a blob, want ErrNotFound", key)
	}
	if !errors.Is(err, blob.ErrNotFound) || chat.ErrorCode(err) != chat.ENotFound {
		t.Fatalf("Open(%s) = %v, want ErrNotFound (not_found)", key, err)
	}
}

func testPutOpen(t *testing.T, s blob.Store) {
	for i, n := range []int{0, 1, 1000, 256<<10 - 1, 256 << 10, 256<<10 + 1, 3<<20 + 12345} {
		key := fmt.Sprintf("blob-%d", i)
		data := random(n, uint64(i))
		mustPut(t, s, key, data)
		if got := read(t, s, key); !bytes.Equal(got, data) {
			t.Errorf("Open(%s) after Put(%d bytes) read %d bytes that differ", key, n, len(got))
		}
	}
}

func testReplace(t *testing.T, s blob.Store) {
	mustPut(t, s, "k1", random(700<<10, 1))
	second := random(100, 2)
	mustPut(t, s, "k1", second)
	if got := read(t, s, "k1"); !bytes.Equal(got, second) {
		t.Errorf("Open after a second Put read %d bytes, want the second blob (%d bytes)", len(got), len(second))
	}
}

func testMissing(t *testing.T, s blob.Store) {
	wantMissing(t, s, "never-put")
}

func testDelete(t *testing.T, s blob.Store) {
	mustPut(t, s, "gone", random(300<<10, 3))
	if err := s.Delete(t.Context(), "gone"); err != nil {
		t.Fatalf("Delete(gone) = %v", err)
	}
	wantMissing(t, s, "gone")
	if err := s.Delete(t.Context(), "gone"); err != nil {
		t.Errorf("Delete of a missing blob = %v, want nil", err)
	}
	mustPut(t, s, "gone", []byte("back"))
	if got := read(t, s, "gone"); string(got) != "back" {
		t.Errorf("Open after Delete and Put = %q, want %q", got, "back")
	}
}

// failingReader yields n bytes, then fails.
type failingReader struct {
	r   io.Reader
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	m, err := f.r.Read(p)
	f.n -= m
	return m, err
}

func testFailedPut(t *testing.T, s blob.Store) {
	old := random(1000, 4)
	mustPut(t, s, "kept", old)
	boom := errors.New("the client went away")
	for _, key := range []string{"kept", "fresh"} {
		src := &failingReader{r: bytes.NewReader(random(2<<20, 5)), n: 1 << 20, err: boom}
		if _, err := s.Put(t.Context(), key, src); !errors.Is(err, boom) {
			t.Errorf("Put(%s) with a reader that fails after 1 MiB = %v, want its error", key, err)
		}
	}
	if got := read(t, s, "kept"); !bytes.Equal(got, old) {
		t.Errorf("after a failed Put, Open(kept) read %d bytes, want the old %d", len(got), len(old))
	}
	wantMissing(t, s, "fresh")
}

// cancelReader cancels its context after n bytes.
type cancelReader struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	if len(p) > 64<<10 {
		p = p[:64<<10]
	}
	m, err := c.r.Read(p)
	c.n -= m
	return m, err
}

func testCancelledPut(t *testing.T, s blob.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	src := &cancelReader{r: bytes.NewReader(random(4<<20, 6)), n: 1 << 20, cancel: cancel}
	if _, err := s.Put(ctx, "cancelled", src); err == nil {
		t.Errorf("Put with a context cancelled after 1 MiB = nil, want an error")
	}
	wantMissing(t, s, "cancelled")
}

func testSeek(t *testing.T, s blob.Store) {
	data := random(600<<10+7, 7)
	mustPut(t, s, "seek", data)
	o, err := s.Open(t.Context(), "seek")
	if err != nil {
		t.Fatalf("Open(seek) = %v", err)
	}
	defer o.Close()
	for _, tt := range []struct {
		offset int64
		whence int
		want   int64
	}{
		{300 << 10, io.SeekStart, 300 << 10},
		{-10, io.SeekEnd, int64(len(data)) - 10},
		{5, io.SeekStart, 5},
		{256<<10 - 12, io.SeekCurrent, 256<<10 + 2}, // from 14, after the read at 5
		{0, io.SeekStart, 0},
	} {
		pos, err := o.Seek(tt.offset, tt.whence)
		if err != nil || pos != tt.want {
			t.Fatalf("Seek(%d, %d) = %d, %v, want %d", tt.offset, tt.whence, pos, err, tt.want)
		}
		buf := make([]byte, 9)
		n, err := io.ReadFull(o, buf)
		end := min(pos+9, int64(len(data)))
		if int64(n) != end-pos || !bytes.Equal(buf[:n], data[pos:end]) {
			t.Errorf("after Seek to %d, read %d bytes %x (%v), want %x", pos, n, buf[:n], err, data[pos:end])
		}
	}
	if _, err := o.Seek(0, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	if n, err := o.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Errorf("Read at the end = %d, %v, want 0, EOF", n, err)
	}
}

func testConcurrent(t *testing.T, s blob.Store) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			key := fmt.Sprintf("conc-%d", i)
			data := random(400<<10+i, uint64(100+i))
			if _, err := s.Put(t.Context(), key, bytes.NewReader(data)); err != nil {
				t.Errorf("Put(%s) = %v", key, err)
				return
			}
			o, err := s.Open(t.Context(), key)
			if err != nil {
				t.Errorf("Open(%s) = %v", key, err)
				return
			}
			defer o.Close()
			got, err := io.ReadAll(o)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("read %s: %d bytes, %v; want its own %d", key, len(got), err, len(data))
			}
		})
	}
	wg.Wait()
}

// testPutFile checks a store that takes whole files (blob.FileStore): the
// file becomes the blob, replacing the one before, from a folder of the
// test's as well.
func testPutFile(t *testing.T, s blob.Store) {
	fs, ok := s.(blob.FileStore)
	if !ok {
		t.Skip("the store does not take files")
	}
	mustPut(t, s, "file", []byte("old"))
	data := random(300<<10, 9)
	f, err := os.CreateTemp(t.TempDir(), "spool-*")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := fs.PutFile(t.Context(), "file", f); err != nil {
		t.Fatalf("PutFile = %v", err)
	}
	if got := read(t, s, "file"); !bytes.Equal(got, data) {
		t.Errorf("after PutFile, Open read %d bytes, want the file's %d", len(got), len(data))
	}
}

func testKeys(t *testing.T, s blob.Store) {
	for _, key := range []string{"", "a", "../etc", "A1", "has space", "x/y", ".hidden"} {
		if _, err := s.Put(t.Context(), key, bytes.NewReader([]byte("x"))); err == nil {
			t.Errorf("Put(%q) = nil, want an invalid key", key)
		}
		if _, err := s.Open(t.Context(), key); err == nil || errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open(%q) = %v, want an invalid key", key, err)
		}
	}
}

// zeroes yields n bytes without allocating.
type zeroes struct{ n int64 }

func (z *zeroes) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > z.n {
		p = p[:z.n]
	}
	clear(p)
	z.n -= int64(len(p))
	return len(p), nil
}

// peakHeap runs fn while sampling the heap, and returns how far the heap
// grew above where it was before, at its highest.
func peakHeap(fn func()) uint64 {
	// Collect often while it runs, so that what the heap holds is what is
	// live (a whole blob would be), not garbage waiting for a collection.
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	if peak < base {
		return 0
	}
	return peak - base
}

// testMemory streams a 20 MB blob in and out and checks that the heap
// never grows by anything near its size: neither side holds it whole.
func testMemory(t *testing.T, s blob.Store) {
	const size = 20 << 20
	const limit = 8 << 20 // far below the 20 MB of a blob held whole
	grew := peakHeap(func() {
		if _, err := s.Put(t.Context(), "big", &zeroes{size}); err != nil {
			t.Fatalf("Put(20 MB) = %v", err)
		}
	})
	t.Logf("Put of 20 MB grew the heap by %.1f MB at most", float64(grew)/(1<<20))
	if grew > limit {
		t.Errorf("Put of 20 MB grew the heap by %d bytes; want under %d (streamed)", grew, limit)
	}
	grew = peakHeap(func() {
		o, err := s.Open(t.Context(), "big")
		if err != nil {
			t.Fatalf("Open(big) = %v", err)
		}
		defer o.Close()
		n, err := io.Copy(io.Discard, o)
		if err != nil || n != size {
			t.Fatalf("read big = %d, %v", n, err)
		}
	})
	t.Logf("reading 20 MB grew the heap by %.1f MB at most", float64(grew)/(1<<20))
	if grew > limit {
		t.Errorf("reading 20 MB grew the heap by %d bytes; want under %d (streamed)", grew, limit)
	}
}

// testCrash kills a process in the middle of a Put, twice: over a blob
// that exists (it must be as it was) and of a new key (it must not exist).
func testCrash(t *testing.T, f Factory) {
	loc := f.New(t)
	old := random(500<<10, 8)
	s := f.Open(t, loc)
	mustPut(t, s, "crash-old", old)
	s.Close()
	for _, key := range []string{"crash-old", "crash-new"} {
		cmd := exec.Command(os.Args[0], "-test.run=^"+topLevel(t)+"$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), crashEnv+"="+key+" "+loc)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("the child writing %s was to be killed mid-write; it ended with %v:\n%s", key, err, out)
		}
		if !bytes.Contains(out, []byte("mid-write")) {
			t.Fatalf("the child never got into the write of %s:\n%s", key, out)
		}
	}
	s = f.Open(t, loc)
	defer s.Close()
	if got := read(t, s, "crash-old"); sha256.Sum256(got) != sha256.Sum256(old) {
		t.Errorf("after a crash mid-Put over crash-old, it reads %d bytes that are not the old %d", len(got), len(old))
	}
	wantMissing(t, s, "crash-new")
	// The store works on after the crash.
	mustPut(t, s, "crash-new", []byte("after"))
	if got := read(t, s, "crash-new"); string(got) != "after" {
		t.Errorf("Put after the crash read back %q", got)
	}
}

// topLevel is the name of t's top-level test.
func topLevel(t *testing.T) string {
	name := t.Name()
	for i := range len(name) {
		if name[i] == '/' {
			return name[:i]
		}
	}
	return name
}

// crashChild is the crash test's child: it puts a big blob and kills
// itself with SIGKILL after 3 MiB have gone into the store, as a crash
// would. It never returns.
func crashChild(t *testing.T, f Factory, v string) {
	var key, loc string
	if _, err := fmt.Sscanf(v, "%s %s", &key, &loc); err != nil {
		t.Fatalf("%s=%q: %v", crashEnv, v, err)
	}
	s := f.Open(t, loc)
	r := &killer{z: &zeroes{20 << 20}, after: 3 << 20}
	_, err := s.Put(context.Background(), key, r)
	t.Fatalf("Put returned (%v) though the process was to die in it", err)
}

// killer yields bytes and sends the process SIGKILL once it has yielded
// after bytes and been asked for more: the store has by then written what
// it took, or as much as it buffers.
type killer struct {
	z     *zeroes
	after int64
	given int64
}

func (k *killer) Read(p []byte) (int, error) {
	if k.given >= k.after {
		fmt.Println("mid-write: killing the process")
		os.Stdout.Sync()
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal arrives
	}
	if len(p) > 64<<10 {
		p = p[:64<<10]
	}
	n, err := k.z.Read(p)
	k.given += int64(n)
	return n, err
}
