// Package blob keeps the bytes of attachments behind a small interface,
// Store, so that where they live is the operator's choice: files under the
// data folder for a single node (blob/diskblob), PostgreSQL for several
// nodes (blob/pgblob), and an S3-compatible object store could be added
// behind the same interface. What a blob means (its name, type, owner and
// who may read it) is kept by package store; a blob is bytes under a key.
//
// Every Store keeps the guarantees that blob/blobtest checks:
//   - A blob is visible whole or not at all. Put writes somewhere readers
//     cannot see and makes the blob visible only once every byte is
//     durably stored, so a failed Put, a cancelled one, or a crash of the
//     process in the middle of one leaves no half blob for Open to find
//     (and the blob the key held before, if any, as it was).
//   - Put and Open stream: neither ever holds a whole blob in memory, only
//     a buffer of a few hundred KiB at most.
//   - Open's Object seeks, so HTTP range requests (a resumed download, a
//     PDF viewer) need no copy.
//   - Delete of a missing blob is not an error, so removal can be retried.
package blob

import (
	"context"
	"io"
	"os"
	"regexp"

	"skranke/chat"
)

// Store keeps blobs by key. It is safe for concurrent use.
type Store interface {
	// Put stores the bytes r yields under key, replacing the blob that was
	// there, and returns how many it stored. The blob becomes visible only
	// when Put returns nil; on any error (r's, ctx's, the storage's)
	// nothing of it is visible.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns the blob under key for reading, or ErrNotFound. The
	// Object reads with ctx; close it when done.
	Open(ctx context.Context, key string) (Object, error)
	// Delete removes the blob under key; a missing one is not an error.
	Delete(ctx context.Context, key string) error
	// Close releases the store's resources.
	Close() error
}

// FileStore is a Store that can take a whole local file as a blob by
// moving it into place instead of copying it (a blob store on the same
// file system). PutFile keeps Put's guarantees; when it cannot move the
// file (another file system), it copies it. The file is the store's
// afterwards: the caller only closes its handle.
type FileStore interface {
	Store
	PutFile(ctx context.Context, key string, f *os.File) error
}

// Object is a blob being read.
type Object interface {
	io.ReadSeekCloser
	// Size is the blob's length in bytes.
	Size() int64
}

// ErrNotFound is Open's error for a key that holds no blob.
var ErrNotFound = chat.E(chat.ENotFound, "file_not_found", "No such file.")

// keyPattern is what a key may be: a safe file name on any file system and
// a safe object key anywhere.
var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,127}$`)

// CheckKey returns an error unless key is a valid blob key: 2–128
// characters of lower-case letters, digits, '.', '_' and '-', starting
// with a letter or a digit. Stores call it on every key they are given.
func CheckKey(key string) error {
	if !keyPattern.MatchString(key) {
		return chat.E(chat.EInvalid, "blob_key_invalid", "Invalid blob key {key}.", "key", key)
	}
	return nil
}

// ContextReader returns r that fails with ctx's error once ctx is done, so
// that a copy from a reader that never blocks for long stops when it is
// cancelled.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return ctxReader{ctx, r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
