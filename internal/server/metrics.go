package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"skranke/store"
)

// storeMetrics are the store's timings as histograms: how long the
// writer's commits take (every message waits for one) and how many
// requests each answers, and how long SQLite's background checkpoints
// take. A slow or shared disk shows here before it shows as late
// messages (docs/operations.md, Monitoring).
type storeMetrics struct {
	commitSeconds     prometheus.Histogram
	commitRequests    prometheus.Histogram
	checkpointSeconds prometheus.Histogram
}

func newStoreMetrics() *storeMetrics {
	return &storeMetrics{
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "skranke_store_commit_seconds",
			Help:    "Time of each batch of the store's writer, from taken to committed on stable storage (fsync included); a failed or retried batch with all its time.",
			Buckets: prometheus.ExponentialBuckets(0.00025, 2, 14), // 0.25 ms … 2 s
		}),
		commitRequests: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "skranke_store_commit_requests",
			Help:    "Requests (messages and other writes) answered by each commit of the store's writer.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 9), // 1 … 256, the largest batch
		}),
		checkpointSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "skranke_store_checkpoint_seconds",
			Help:    "Time of each background checkpoint of the SQLite store (the WAL copied into the database file, fsync included); none with PostgreSQL.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 12), // 1 ms … 2 s
		}),
	}
}

// timings are the hooks the store calls.
func (m *storeMetrics) timings() store.Timings {
	return store.Timings{
		Commit: func(d time.Duration, n int) {
			m.commitSeconds.Observe(d.Seconds())
			m.commitRequests.Observe(float64(n))
		},
		Checkpoint: func(d time.Duration) { m.checkpointSeconds.Observe(d.Seconds()) },
	}
}

func (m *storeMetrics) register(reg prometheus.Registerer, sqlite bool) {
	reg.MustRegister(m.commitSeconds, m.commitRequests)
	if sqlite {
		reg.MustRegister(m.checkpointSeconds)
	}
}
