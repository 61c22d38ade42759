// Package diskblob is blob.Store on the local file system, for a single
// node: each blob is a file under a folder of the data folder, spread over
// subfolders by the first two characters of its key.
//
// A blob is written to a temporary file in the folder's "tmp" subfolder,
// fsynced, and then renamed into place (and the folder fsynced): a rename
// within one file system is atomic, so Open finds the whole blob or none,
// even after a crash or a power cut in the middle of a write. A crash
// leaves at most a temporary file behind; Open removes what it finds
// there, since nothing else writes into the folder.
package diskblob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"skranke/blob"
)

// Store is a blob.Store in a folder.
type Store struct {
	dir string // immutable after Open
}

var _ blob.FileStore = (*Store)(nil)

// Open opens the store in folder dir, creating it if need be, and removes
// the temporary files of writes a crash interrupted. Only one process may
// use a folder at a time.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("open blob folder: %w", err)
	}
	left, err := os.ReadDir(filepath.Join(dir, "tmp"))
	if err != nil {
		return nil, fmt.Errorf("open blob folder: %w", err)
	}
	for _, e := range left {
		os.Remove(filepath.Join(dir, "tmp", e.Name())) // a half write of a crashed process
	}
	return &Store{dir: dir}, nil
}

// path is where the blob of key lives.
func (s *Store) path(key string) string {
	return filepath.Join(s.dir, key[:2], key)
}

// Put writes r to a temporary file, fsyncs it and renames it to key's
// place, so the blob appears whole once Put returns nil.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (n int64, err error) {
	if err := blob.CheckKey(key); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "put-*")
	if err != nil {
		return 0, fmt.Errorf("put blob: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	n, err = io.Copy(f, blob.ContextReader(ctx, r))
	if err != nil {
		return 0, fmt.Errorf("put blob: %w", err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("put blob: %w", err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("put blob: %w", err)
	}
	final := s.path(key)
	if err := s.mkdirFor(final); err != nil {
		return 0, fmt.Errorf("put blob: %w", err)
	}
	if err := os.Rename(f.Name(), final); err != nil {
		return 0, fmt.Errorf("put blob: %w", err)
	}
	// The rename is durable only once the folder is on disk.
	if err := syncDir(filepath.Dir(final)); err != nil {
		return 0, fmt.Errorf("put blob: %w", err)
	}
	return n, nil
}

// PutFile makes f, a whole file, the blob under key: it fsyncs f and
// renames it into place when it is on the store's file system, and copies
// it (Put) otherwise.
func (s *Store) PutFile(ctx context.Context, key string, f *os.File) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	final := s.path(key)
	if err := s.mkdirFor(final); err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	if err := os.Rename(f.Name(), final); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) && errors.Is(le.Err, syscall.EXDEV) {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return fmt.Errorf("put blob: %w", err)
			}
			_, err := s.Put(ctx, key, f)
			return err
		}
		return fmt.Errorf("put blob: %w", err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	return nil
}

// mkdirFor makes the subfolder of path, durably, if it is missing.
func (s *Store) mkdirFor(path string) error {
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	// A new subfolder is durable once the folder above it is synced.
	if err := os.Mkdir(filepath.Dir(path), 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(s.dir)
}

// Open opens key's file.
func (s *Store) Open(ctx context.Context, key string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("open blob: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open blob: %w", err)
	}
	return object{f, st.Size()}, nil
}

// Delete removes key's file.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	if err := os.Remove(s.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete blob: %w", err)
	}
	return nil
}

// Close does nothing: the store holds no resources between calls.
func (s *Store) Close() error { return nil }

type object struct {
	*os.File
	size int64
}

func (o object) Size() int64 { return o.size }

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
