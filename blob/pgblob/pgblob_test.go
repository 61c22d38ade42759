package pgblob_test

import (
	"testing"

	"skranke/blob"
	"skranke/blob/blobtest"
	"skranke/blob/pgblob"
	"skranke/store/postgres"
)

func TestStore(t *testing.T) {
	dsn := postgres.TestDSN(t)
	blobtest.Run(t, blobtest.Factory{
		New: func(t *testing.T) string { return postgres.TestSchema(t, dsn) },
		Open: func(t testing.TB, schema string) blob.Store {
			s, err := pgblob.Open(t.Context(), dsn, pgblob.Options{Schema: schema, MaxConns: 4})
			if err != nil {
				t.Fatalf("Open(schema %s) = %v", schema, err)
			}
			return s
		},
	})
}
