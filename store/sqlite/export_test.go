package sqlite

// CommitStats returns how many group-commit transactions the writer has
// committed and how many AppendEvent requests they answered.
func (db *DB) CommitStats() (commits, requests int64) {
	return db.commits.Load(), db.committed.Load()
}
