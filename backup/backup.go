// Package backup makes and restores backups of a single node's data folder
// (the embedded SQLite database and the attachments' bytes in blobs/), for
// `skranke backup` and `skranke restore`.
//
// A backup is one tar file, gzip-compressed: skranke.db, a consistent
// snapshot of the database made by SQLite itself (VACUUM INTO, which reads
// inside one read transaction, so it sees every transaction committed
// before it began and none after, while the server goes on writing), then
// the files under blobs/, then manifest.json. The blobs are copied after
// the snapshot, and a file's record is committed only after its bytes are
// in place (blob.Store's contract), so every file the snapshot names is in
// the copy; files written later come along and are simply unreferenced.
//
// Restore runs with the server stopped (it takes the data folder's lock,
// which `serve` holds while it runs), unpacks into a folder beside the
// data, and checks it before anything is replaced: SQLite's integrity and
// foreign-key checks, and every attachment the database names present with
// its size and SHA-256. Only then does it move the data in, keeping what was
// there in a folder of its own.
//
// PostgreSQL deployments use pg_dump and pg_restore instead (files are in
// PostgreSQL there too): docs/operations.md.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the driver "sqlite"
)

// Names in the data folder and in a backup.
const (
	DatabaseFile = "skranke.db"
	BlobsDir     = "blobs"
	LockFile     = "skranke.lock"
	manifestFile = "manifest.json"
	format       = "skranke-backup/1"
)

// Manifest describes a backup.
type Manifest struct {
	Format    string    `json:"format"`
	CreatedAt time.Time `json:"createdAt"`
	// DatabaseSHA256 is the snapshot's checksum; Files counts the blobs.
	DatabaseSHA256 string `json:"databaseSha256"`
	DatabaseBytes  int64  `json:"databaseBytes"`
	Files          int    `json:"files"`
	FileBytes      int64  `json:"fileBytes"`
}

// LockData takes the data folder's lock, which a running node holds, and
// returns it to be closed (which releases it). It fails at once, saying
// so, when another process holds it.
func LockData(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrRunning
		}
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	return f, nil
}

// ErrRunning says a server runs on the data folder.
var ErrRunning = errors.New("a Skranke server is running on this data folder (it holds skranke.lock); stop it first")

// Create writes a backup of data folder dir to the file out (replaced when
// whole: a failed backup leaves no half file under that name). The server
// may run meanwhile.
func Create(ctx context.Context, dir, out string) (Manifest, error) {
	db := filepath.Join(dir, DatabaseFile)
	if _, err := os.Stat(db); err != nil {
		return Manifest{}, fmt.Errorf("backup: no database in %s: %w", dir, err)
	}
	work, err := os.MkdirTemp(filepath.Dir(out), ".skranke-backup-")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)
	snap := filepath.Join(work, DatabaseFile)
	if err := snapshot(ctx, db, snap); err != nil {
		return Manifest{}, err
	}

	tmp := filepath.Join(work, "backup.tar.gz")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed) // attachments are mostly compressed already
	tw := tar.NewWriter(zw)
	m := Manifest{Format: format, CreatedAt: time.Now().UTC()}
	if m.DatabaseSHA256, m.DatabaseBytes, err = addFile(tw, snap, DatabaseFile); err != nil {
		return Manifest{}, err
	}
	blobs := filepath.Join(dir, BlobsDir)
	err = filepath.WalkDir(blobs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == blobs {
				return fs.SkipDir // no files yet
			}
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(blobs, p)
		if d.IsDir() {
			if rel == "tmp" { // writes on their way in
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		_, n, err := addFile(tw, p, path.Join(BlobsDir, filepath.ToSlash(rel)))
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted since (an erased chat's file): nothing the snapshot needs
		}
		m.Files++
		m.FileBytes += n
		return err
	})
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: files: %w", err)
	}
	mb, _ := json.MarshalIndent(m, "", "  ")
	if err := tw.WriteHeader(&tar.Header{Name: manifestFile, Mode: 0o600, Size: int64(len(mb)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(mb); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if err := errors.Join(tw.Close(), zw.Close()); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	return m, syncDir(filepath.Dir(out))
}

// snapshot copies the database at db to dest with VACUUM INTO: a
// consistent, compacted copy made inside one read transaction.
func snapshot(ctx context.Context, db, dest string) error {
	conn, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: open database: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("backup: snapshot of the database: %w", err)
	}
	return nil
}

// addFile adds the file at p to tw as name and returns its SHA-256 and
// size.
func addFile(tw *tar.Writer, p, name string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
		return "", 0, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(f, st.Size()))
	if err == nil && n != st.Size() {
		err = fmt.Errorf("%s changed while it was copied", p)
	}
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// Report is what Restore found in a backup.
type Report struct {
	Manifest      Manifest
	Conversations int
	Events        int
	Attachments   int    // files the database names, each checked
	Kept          string // where the data folder's former contents went, if any
}

// Restore puts the backup in file in into data folder dir, which no server
// may be running on. A folder that holds a database already is refused
// unless replace is set; its database and files are then moved to a
// folder beside them (Report.Kept), not deleted.
func Restore(ctx context.Context, in, dir string, replace bool) (Report, error) {
	lock, err := LockData(dir)
	if err != nil {
		return Report{}, err
	}
	defer lock.Close()
	_, err = os.Stat(filepath.Join(dir, DatabaseFile))
	exists := err == nil
	if exists && !replace {
		return Report{}, fmt.Errorf("restore: %s holds a database already; restore into an empty folder, or give --force to replace it (the old one is kept beside it)", dir)
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	work := filepath.Join(dir, "restoring-"+stamp)
	if err := os.Mkdir(work, 0o750); err != nil {
		return Report{}, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(work)
	m, err := unpack(ctx, in, work)
	if err != nil {
		return Report{}, err
	}
	rep, err := check(ctx, work)
	if err != nil {
		return Report{}, err
	}
	rep.Manifest = m
	if exists {
		rep.Kept = filepath.Join(dir, "before-restore-"+stamp)
		if err := os.Mkdir(rep.Kept, 0o750); err != nil {
			return Report{}, fmt.Errorf("restore: %w", err)
		}
		for _, name := range []string{DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm", BlobsDir} {
			if err := os.Rename(filepath.Join(dir, name), filepath.Join(rep.Kept, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return Report{}, fmt.Errorf("restore: keep the former %s: %w", name, err)
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(work, BlobsDir), 0o750); err != nil {
		return Report{}, fmt.Errorf("restore: %w", err)
	}
	for _, name := range []string{BlobsDir, DatabaseFile} { // the database last: without it the folder is not an installation
		if err := os.Rename(filepath.Join(work, name), filepath.Join(dir, name)); err != nil {
			return Report{}, fmt.Errorf("restore: move %s in: %w", name, err)
		}
	}
	return rep, syncDir(dir)
}

// unpack extracts the backup in into dir and checks it against its
// manifest.
func unpack(ctx context.Context, in, dir string) (Manifest, error) {
	f, err := os.Open(in)
	if err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return Manifest{}, fmt.Errorf("restore: %s is not a Skranke backup: %w", in, err)
	}
	tr := tar.NewReader(zr)
	var m Manifest
	var dbSum string
	files := 0
	for {
		if ctx.Err() != nil {
			return Manifest{}, ctx.Err()
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Manifest{}, fmt.Errorf("restore: read %s: %w", in, err)
		}
		name := path.Clean(h.Name)
		if h.Typeflag != tar.TypeReg || path.IsAbs(name) || strings.HasPrefix(name, "../") || name == ".." {
			return Manifest{}, fmt.Errorf("restore: %s holds %q, which no Skranke backup has", in, h.Name)
		}
		if name == manifestFile {
			if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&m); err != nil {
				return Manifest{}, fmt.Errorf("restore: manifest: %w", err)
			}
			continue
		}
		if name != DatabaseFile && !strings.HasPrefix(name, BlobsDir+"/") {
			return Manifest{}, fmt.Errorf("restore: %s holds %q, which no Skranke backup has", in, h.Name)
		}
		sum, err := extract(tr, filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return Manifest{}, fmt.Errorf("restore: %s: %w", name, err)
		}
		if name == DatabaseFile {
			dbSum = sum
		} else {
			files++
		}
	}
	switch {
	case m.Format != format:
		return Manifest{}, fmt.Errorf("restore: %s has no manifest of %s: it is not a whole Skranke backup", in, format)
	case dbSum == "" || dbSum != m.DatabaseSHA256:
		return Manifest{}, fmt.Errorf("restore: the database in %s does not match its manifest's checksum", in)
	case files != m.Files:
		return Manifest{}, fmt.Errorf("restore: %s holds %d files, its manifest says %d", in, files, m.Files)
	}
	return m, nil
}

func extract(r io.Reader, p string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return "", err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return hex.EncodeToString(h.Sum(nil)), err
}

// check checks the unpacked database in dir and the files it names.
func check(ctx context.Context, dir string) (Report, error) {
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DatabaseFile)+"?_pragma=foreign_keys(1)")
	if err != nil {
		return Report{}, fmt.Errorf("restore: %w", err)
	}
	defer conn.Close()
	var ok string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		return Report{}, fmt.Errorf("restore: the database fails SQLite's integrity check: %s %v", ok, err)
	}
	rows, err := conn.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return Report{}, fmt.Errorf("restore: %w", err)
	}
	bad := rows.Next()
	rows.Close()
	if bad {
		return Report{}, errors.New("restore: the database fails SQLite's foreign-key check")
	}
	var rep Report
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM events)`).Scan(&rep.Conversations, &rep.Events); err != nil {
		return Report{}, fmt.Errorf("restore: the database is not Skranke's: %w", err)
	}
	var wrong int
	// One pass over the log, grouped: it reads the same whichever layout of
	// the events the backup has (no index of today's starts with
	// conversation_id, so a lookup per conversation would read the log
	// each time).
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM conversations c
		LEFT JOIN (SELECT conversation_id, max(seq) AS last FROM events GROUP BY conversation_id) e
			ON e.conversation_id = c.id
		WHERE c.last_seq <> coalesce(e.last, 0)`).Scan(&wrong); err != nil || wrong > 0 {
		return Report{}, fmt.Errorf("restore: %d conversations' logs do not end where the conversation says (%v)", wrong, err)
	}
	files, err := conn.QueryContext(ctx, `SELECT id, size, sha256 FROM attachments WHERE expired_at IS NULL`)
	if err != nil {
		return Report{}, fmt.Errorf("restore: attachments: %w", err)
	}
	defer files.Close()
	for files.Next() {
		var id, sum string
		var size int64
		if err := files.Scan(&id, &size, &sum); err != nil {
			return Report{}, fmt.Errorf("restore: attachments: %w", err)
		}
		if len(id) < 2 {
			return Report{}, fmt.Errorf("restore: attachment id %q", id)
		}
		got, n, err := fileSum(filepath.Join(dir, BlobsDir, id[:2], id))
		if err != nil {
			return Report{}, fmt.Errorf("restore: the file of attachment %s: %w", id, err)
		}
		if n != size || got != sum {
			return Report{}, fmt.Errorf("restore: the file of attachment %s has %d bytes (sha256 %s), the database says %d (%s)", id, n, got, size, sum)
		}
		rep.Attachments++
	}
	return rep, files.Err()
}

func fileSum(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
