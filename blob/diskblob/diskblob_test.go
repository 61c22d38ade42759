package diskblob_test

import (
	"os"
	"path/filepath"
	"testing"

	"skranke/blob"
	"skranke/blob/blobtest"
	"skranke/blob/diskblob"
)

func TestStore(t *testing.T) {
	blobtest.Run(t, blobtest.Factory{
		New: func(t *testing.T) string { return filepath.Join(t.TempDir(), "blobs") },
		Open: func(t testing.TB, dir string) blob.Store {
			s, err := diskblob.Open(dir)
			if err != nil {
				t.Fatalf("Open(%s) = %v", dir, err)
			}
			return s
		},
	})
}

// TestOpen_removesHalfWrites checks that what a crashed Put left in the
// temporary folder is removed when the store is opened again.
func TestOpen_removesHalfWrites(t *testing.T) {
	dir := t.TempDir()
	if _, err := diskblob.Open(dir); err != nil {
		t.Fatal(err)
	}
	half := filepath.Join(dir, "tmp", "put-123")
	if err := os.WriteFile(half, make([]byte, 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := diskblob.Open(dir); err != nil {
		t.Fatalf("Open(%s) again = %v", dir, err)
	}
	if _, err := os.Stat(half); !os.IsNotExist(err) {
		t.Errorf("after Open, the half write %s is still there (%v)", half, err)
	}
}
