package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"skranke/backup"
)

const backupUsage = `Usage:
  skranke backup [--data DIR] FILE             write a backup of a single node, while it runs
  skranke restore [--data DIR] [--force] FILE  put a backup back, with the server stopped

A backup is one file: a consistent copy of the SQLite database and the
attachments' files. restore checks it (SQLite's integrity check, every
attachment's size and checksum) before it replaces anything, and keeps what
the data folder held in a folder beside it (--force is needed when it holds
a database). For PostgreSQL, use pg_dump and pg_restore: docs/operations.md.
`

// backupCmd runs `skranke backup`.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, backupUsage) }
	var data, db string
	fs.StringVar(&data, "data", "data", "data folder")
	fs.StringVar(&db, "db", "", "database; only the embedded SQLite is backed up by this command")
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("backup: want the backup's file name")
	}
	if strings.HasPrefix(db, "postgres") {
		return errors.New("backup: this installation uses PostgreSQL: back it up with pg_dump (docs/operations.md, Backups)")
	}
	m, err := backup.Create(ctx, data, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s: database %d bytes, %d files (%d bytes).\n", data, fs.Arg(0), m.DatabaseBytes, m.Files, m.FileBytes)
	return nil
}

// restoreCmd runs `skranke restore`.
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, backupUsage) }
	var data string
	var force bool
	fs.StringVar(&data, "data", "data", "data folder to restore into")
	fs.BoolVar(&force, "force", false, "replace the database the data folder holds (it is kept beside it)")
	if err := parseWithEnv(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore: want the backup's file name")
	}
	r, err := backup.Restore(ctx, fs.Arg(0), data, force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s (made %s) into %s: %d conversations, %d events, %d files checked.\n",
		fs.Arg(0), r.Manifest.CreatedAt.Format("2006-01-02 15:04:05 UTC"), data, r.Conversations, r.Events, r.Attachments)
	if r.Kept != "" {
		fmt.Fprintf(stdout, "What %s held before is in %s.\n", data, r.Kept)
	}
	return nil
}
