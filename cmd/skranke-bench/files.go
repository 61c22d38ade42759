package main

// skranke-bench files: attachments' throughput and memory (R12). It starts
// `skranke serve` (SQLite and files on disk, or -db PostgreSQL with files
// in it) and, beside it in this process, the floor: a plain static file
// server for downloads and a plain upload sink (the body to a file,
// fsynced, renamed) for uploads. It drives both with curl, the same
// commands, one file at a time and several at once, and samples the
// server's resident memory (VmRSS) all the while.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"
)

type filesConfig struct {
	serverBin  string
	sizeMB     int
	runs       int
	concurrent int
	db         string
	keep       bool
}

func filesMain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("skranke-bench files", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := filesConfig{}
	fs.StringVar(&c.serverBin, "server-bin", "bin/skranke", "the skranke binary to run")
	fs.IntVar(&c.sizeMB, "size", 20, "size of each file, MB")
	fs.IntVar(&c.runs, "runs", 5, "uploads and downloads one after another, per target")
	fs.IntVar(&c.concurrent, "concurrent", 5, "uploads and downloads at once, per target")
	fs.StringVar(&c.db, "db", "", "postgres://… of a server to make a fresh database in: files in PostgreSQL (default SQLite and files on disk)")
	fs.BoolVar(&c.keep, "keep", false, "keep the data folder")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := exec.LookPath("curl"); err != nil {
		return errors.New("curl is needed")
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "skranke-files-")
	if err != nil {
		return err
	}
	if !c.keep {
		defer os.RemoveAll(dir)
	}
	size := c.sizeMB << 20
	pdf := filepath.Join(dir, "file.pdf")
	if err := writeFile(pdf, pdfBytes(size)); err != nil {
		return err
	}
	photo := filepath.Join(dir, "photo.jpg")
	if err := writeFile(photo, photoBytes()); err != nil {
		return err
	}

	// Skranke.
	args2 := []string{c.serverBin, "serve", "--demo", "--data", filepath.Join(dir, "data"), "--log-level", "warn",
		"--limit-customers", "off", "--limit-conversations", "off", "--limit-uploads", "off", "--limit-upload-mb", "0"}
	store := "SQLite, files on disk"
	if c.db != "" {
		dsn, drop, err := freshDatabase(ctx, c.db)
		if err != nil {
			return err
		}
		defer drop()
		args2 = append(args2, "--db", dsn)
		store = "PostgreSQL, files in PostgreSQL"
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	args2 = append(args2, "--addr", addr)
	srv, err := startChild(ctx, "", "http://"+addr, io.Discard, args2...)
	if err != nil {
		return err
	}
	defer srv.stop()
	token, conv, err := customerChat("http://" + addr)
	if err != nil {
		return err
	}
	up := fmt.Sprintf("http://%s/api/v1/widget/conversations/%s/attachments", addr, conv)
	auth := "Authorization: Bearer " + token

	// The floor, in this process.
	floorDir := filepath.Join(dir, "floor")
	os.MkdirAll(filepath.Join(floorDir, "static"), 0o750)
	if err := os.Link(pdf, filepath.Join(floorDir, "static", "file.pdf")); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	floorAddr, err := freeAddr()
	if err != nil {
		return err
	}
	floorURL := "http://" + floorAddr
	floor, err := startChild(ctx, "", floorURL, io.Discard, self, "files-floor", floorDir, floorAddr)
	if err != nil {
		return err
	}
	defer floor.stop()

	fmt.Fprintf(stdout, "files of %d MB (%s), %d one after another, %d at once; curl %s\n\n", c.sizeMB, store, c.runs, c.concurrent, curlVersion())
	mem := &memSampler{pid: srv.pid()}
	idle := mem.rss()

	// Uploads.
	var ids []string
	seq := func(url string, header []string, file string, keep bool) (float64, error) {
		var total float64
		for i := range c.runs {
			u := fmt.Sprintf("%s?uploadId=seq-%d-%d&name=file-%d.pdf", url, time.Now().UnixNano(), i, i)
			speed, body, err := curlUpload(u, header, file)
			if err != nil {
				return 0, err
			}
			if keep {
				var a struct{ Attachment struct{ ID string } }
				json.Unmarshal(body, &a)
				ids = append(ids, a.Attachment.ID)
			}
			total += speed
		}
		return total / float64(c.runs), nil
	}
	par := func(url string, header []string, file string) (float64, uint64, error) {
		mem.start()
		start := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, c.concurrent)
		for i := range c.concurrent {
			wg.Go(func() {
				u := fmt.Sprintf("%s?uploadId=par-%d-%d&name=file-%d.pdf", url, time.Now().UnixNano(), i, i)
				_, _, errs[i] = curlUpload(u, header, file)
			})
		}
		wg.Wait()
		secs := time.Since(start).Seconds()
		peak := mem.stop()
		st, _ := os.Stat(file)
		return float64(st.Size()*int64(c.concurrent)) / secs / (1 << 20), peak, errors.Join(errs...)
	}
	skUp, err := seq(up, []string{auth}, pdf, true)
	if err != nil {
		return fmt.Errorf("skranke upload: %w", err)
	}
	base := mem.rss()
	skUpPar, skUpPeak, err := par(up, []string{auth}, pdf)
	if err != nil {
		return fmt.Errorf("skranke uploads at once: %w", err)
	}
	flUp, err := seq(floorURL+"/upload", nil, pdf, false)
	if err != nil {
		return fmt.Errorf("floor upload: %w", err)
	}
	flUpPar, _, err := par(floorURL+"/upload", nil, pdf)
	if err != nil {
		return fmt.Errorf("floor uploads at once: %w", err)
	}
	// Photos: decoded for their thumbnails, one at a time.
	photoBase := mem.rss()
	_, photoPeak, err := par(up, []string{auth}, photo)
	if err != nil {
		return fmt.Errorf("skranke photo uploads: %w", err)
	}

	// Downloads: the files are sent in a message, as the customer's.
	if err := sendFiles("ws://"+addr+"/ws/customer", token, conv, ids); err != nil {
		return err
	}
	dl := func(url string, header []string) (float64, error) {
		var total float64
		for range c.runs {
			speed, err := curlDownload(url, header)
			if err != nil {
				return 0, err
			}
			total += speed
		}
		return total / float64(c.runs), nil
	}
	dlPar := func(url string, header []string) (float64, uint64, error) {
		mem.start()
		start := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, c.concurrent)
		for i := range c.concurrent {
			wg.Go(func() { _, errs[i] = curlDownload(url, header) })
		}
		wg.Wait()
		secs := time.Since(start).Seconds()
		return float64(size*c.concurrent) / secs / (1 << 20), mem.stop(), errors.Join(errs...)
	}
	file := up + "/" + ids[0]
	skDl, err := dl(file, []string{auth})
	if err != nil {
		return fmt.Errorf("skranke download: %w", err)
	}
	dlBase := mem.rss()
	skDlPar, skDlPeak, err := dlPar(file, []string{auth})
	if err != nil {
		return fmt.Errorf("skranke downloads at once: %w", err)
	}
	flDl, err := dl(floorURL+"/static/file.pdf", nil)
	if err != nil {
		return fmt.Errorf("floor download: %w", err)
	}
	flDlPar, _, err := dlPar(floorURL+"/static/file.pdf", nil)
	if err != nil {
		return fmt.Errorf("floor downloads at once: %w", err)
	}

	mb := func(b uint64) float64 { return float64(b) / (1 << 20) }
	fmt.Fprintf(stdout, "| MB/s | Skranke | floor (plain server) | Skranke ÷ floor |\n|---|---|---|---|\n")
	row := func(name string, s, f float64) {
		fmt.Fprintf(stdout, "| %s | %.0f | %.0f | %.2f |\n", name, s, f, s/f)
	}
	row("upload, one at a time", skUp, flUp)
	row(fmt.Sprintf("upload, %d at once (all together)", c.concurrent), skUpPar, flUpPar)
	row("download, one at a time", skDl, flDl)
	row(fmt.Sprintf("download, %d at once (all together)", c.concurrent), skDlPar, flDlPar)
	fmt.Fprintf(stdout, "\n| Skranke's resident memory (VmRSS) | MB |\n|---|---|\n")
	fmt.Fprintf(stdout, "| idle, after start | %.1f |\n", mb(idle))
	fmt.Fprintf(stdout, "| before %d uploads of %d MB at once | %.1f |\n", c.concurrent, c.sizeMB, mb(base))
	fmt.Fprintf(stdout, "| peak during them | %.1f (+%.1f, %.1f per upload) |\n", mb(skUpPeak), mb(skUpPeak-min(base, skUpPeak)), mb(skUpPeak-min(base, skUpPeak))/float64(c.concurrent))
	fmt.Fprintf(stdout, "| before %d downloads of %d MB at once | %.1f |\n", c.concurrent, c.sizeMB, mb(dlBase))
	fmt.Fprintf(stdout, "| peak during them | %.1f (+%.1f) |\n", mb(skDlPeak), mb(skDlPeak-min(dlBase, skDlPeak)))
	st, _ := os.Stat(photo)
	fmt.Fprintf(stdout, "| before %d uploads at once of a 12-megapixel JPEG (%.1f MB), thumbnails made one at a time | %.1f |\n", c.concurrent, mb(uint64(st.Size())), mb(photoBase))
	fmt.Fprintf(stdout, "| peak during them | %.1f (+%.1f) |\n", mb(photoPeak), mb(photoPeak-min(photoBase, photoPeak)))
	return nil
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }

// pdfBytes is n bytes that start as a PDF (random after the header, so
// nothing compresses them).
func pdfBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	copy(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return b
}

// photoBytes is a 4000×3000 JPEG with some structure.
func photoBytes() []byte {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for y := range 3000 {
		for x := range 4000 {
			img.Y[y*img.YStride+x] = uint8((x*x/4000 + y*7) ^ (x / 3))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(i*3), uint8(i/5)
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	return b.Bytes()
}

func curlVersion() string {
	out, _ := exec.Command("curl", "--version").Output()
	f := strings.Fields(string(out))
	if len(f) > 1 {
		return f[1]
	}
	return "?"
}

// curlUpload POSTs file to url with curl and returns its speed in MB/s and
// the answer.
func curlUpload(url string, header []string, file string) (float64, []byte, error) {
	args := []string{"-sS", "-X", "POST", "-T", file, "-H", "Content-Type: application/octet-stream", "-H", "Expect:",
		"-w", "\n%{http_code} %{speed_upload}", url}
	for _, h := range header {
		args = append(args, "-H", h)
	}
	out, err := exec.Command("curl", args...).Output()
	if err != nil {
		return 0, nil, fmt.Errorf("curl upload: %w", err)
	}
	i := bytes.LastIndexByte(out, '\n')
	var code int
	var speed float64
	fmt.Sscanf(string(out[i+1:]), "%d %f", &code, &speed)
	if code != 200 && code != 201 {
		return 0, nil, fmt.Errorf("upload %s: HTTP %d %s", url, code, out[:i])
	}
	return speed / (1 << 20), out[:i], nil
}

// curlDownload GETs url with curl and returns its speed in MB/s.
func curlDownload(url string, header []string) (float64, error) {
	args := []string{"-sS", "-o", "/dev/null", "-w", "%{http_code} %{speed_download}", url}
	for _, h := range header {
		args = append(args, "-H", h)
	}
	out, err := exec.Command("curl", args...).Output()
	if err != nil {
		return 0, fmt.Errorf("curl download: %w", err)
	}
	var code int
	var speed float64
	fmt.Sscanf(string(out), "%d %f", &code, &speed)
	if code != 200 {
		return 0, fmt.Errorf("download %s: HTTP %d", url, code)
	}
	return speed / (1 << 20), nil
}

// filesFloor is the floor of `files`, a process of its own (skranke-bench
// files-floor DIR ADDR): it serves DIR/static as plain files
// (http.FileServer) and takes uploads at /upload as a careful plain server
// would, the body into a temporary file, fsynced, renamed into place.
func filesFloor(args []string) error {
	if len(args) != 2 {
		return errors.New("usage: files-floor DIR ADDR")
	}
	dir := args[0]
	ln, err := net.Listen("tcp", args[1])
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServer(http.Dir(filepath.Join(dir, "static")))))
	n := 0
	var mu sync.Mutex
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.CreateTemp(dir, "up-*")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		if _, err := io.Copy(f, r.Body); err != nil {
			f.Close()
			os.Remove(f.Name())
			http.Error(w, err.Error(), 400)
			return
		}
		f.Sync()
		f.Close()
		mu.Lock()
		n++
		name := filepath.Join(dir, "stored-"+strconv.Itoa(n))
		mu.Unlock()
		os.Rename(f.Name(), name)
		w.WriteHeader(http.StatusCreated)
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// customerChat makes a customer and starts a chat in sales.
func customerChat(base string) (token, conv string, err error) {
	post := func(path, token string, body any, out any) error {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			return fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
		}
		return json.NewDecoder(resp.Body).Decode(out)
	}
	var tok struct{ Token string }
	if err := post("/api/v1/widget/customers", "", struct{}{}, &tok); err != nil {
		return "", "", err
	}
	var cv struct{ Conversation struct{ ID string } }
	if err := post("/api/v1/widget/conversations", tok.Token, map[string]string{"queueId": "sales"}, &cv); err != nil {
		return "", "", err
	}
	return tok.Token, cv.Conversation.ID, nil
}

// sendFiles sends the files in messages of five, as the customer, so that
// they can be downloaded.
func sendFiles(url, token, conv string, ids []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return err
	}
	defer ws.CloseNow()
	ws.SetReadLimit(1 << 20)
	write := func(v any) error {
		b, _ := json.Marshal(v)
		return ws.Write(ctx, websocket.MessageText, b)
	}
	if err := write(map[string]any{"type": "hello", "token": token, "conversationId": conv, "afterSeq": 0}); err != nil {
		return err
	}
	for i := 0; i < len(ids); i += 5 {
		end := min(i+5, len(ids))
		req := fmt.Sprintf("r%d", i)
		if err := write(map[string]any{"type": "send", "requestId": req, "conversationId": conv, "clientMsgId": req, "attachmentIds": ids[i:end]}); err != nil {
			return err
		}
		for {
			_, b, err := ws.Read(ctx)
			if err != nil {
				return err
			}
			var f struct{ Type, RequestID, Message string }
			json.Unmarshal(b, &f)
			if f.RequestID == req {
				if f.Type != "ack" {
					return fmt.Errorf("send files: %s", f.Message)
				}
				break
			}
		}
	}
	return nil
}

// freshDatabase makes a new database on the server of dsn and returns its
// DSN and a function that drops it.
func freshDatabase(ctx context.Context, dsn string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("skranke_filebench_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	cfg, _ := pgx.ParseConfig(dsn)
	u := strings.Replace(dsn, "/"+cfg.Database, "/"+name, 1)
	return u, func() {
		conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		conn.Close(context.Background())
	}, nil
}

// memSampler samples a process's VmRSS every 5 ms between start and stop.
type memSampler struct {
	pid  int
	mu   sync.Mutex
	peak uint64
	quit chan struct{}
	done chan struct{}
}

func (m *memSampler) rss() uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", m.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			kb, _ := strconv.ParseUint(f[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func (m *memSampler) start() {
	m.peak = m.rss()
	m.quit, m.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(m.done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.quit:
				return
			case <-t.C:
				r := m.rss()
				m.mu.Lock()
				m.peak = max(m.peak, r)
				m.mu.Unlock()
			}
		}
	}()
}

func (m *memSampler) stop() uint64 {
	close(m.quit)
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.peak
}
