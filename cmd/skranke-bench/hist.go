package main

import (
	"fmt"
	"math/bits"
	"sync"
	"time"
)

// A hist is a log-linear latency histogram in the spirit of HdrHistogram:
// values below 2·subCount are counted exactly; above, every power of two is
// split into subCount equal buckets, so a reported quantile is within
// 1/subCount (0.8 %) of the true value. Its size is fixed (about 58 KiB)
// whatever the number of samples, so memory stays bounded on long runs.
//
// It is safe for concurrent use.
type hist struct {
	mu     sync.Mutex
	counts [numBuckets]uint64
	n      uint64
	sum    float64
	min    int64
	max    int64
}

const (
	subBits    = 7
	subCount   = 1 << subBits       // buckets per power of two
	linearTop  = 2 * subCount       // values below this have a bucket each
	maxShift   = 64 - (subBits + 1) // the largest shift bucketOf uses
	numBuckets = linearTop + maxShift*subCount
)

// bucketOf returns the bucket of v (v ≥ 0; negative values count as 0).
func bucketOf(v int64) int {
	if v < linearTop {
		return int(max(v, 0))
	}
	shift := bits.Len64(uint64(v)) - (subBits + 1) // ≥ 1
	top := int(v >> shift)                         // in [subCount, 2·subCount)
	return linearTop + (shift-1)*subCount + top - subCount
}

// bucketHigh returns the largest value that falls in bucket b.
func bucketHigh(b int) int64 {
	if b < linearTop {
		return int64(b)
	}
	b -= linearTop
	shift := b/subCount + 1
	top := int64(b%subCount + subCount)
	return (top+1)<<shift - 1
}

// Record adds one sample.
func (h *hist) Record(v time.Duration) {
	x := int64(v)
	h.mu.Lock()
	if h.n == 0 || x < h.min {
		h.min = x
	}
	if h.n == 0 || x > h.max {
		h.max = x
	}
	h.n++
	h.sum += float64(x)
	h.counts[bucketOf(x)]++
	h.mu.Unlock()
}

// Merge adds o's samples to h.
func (h *hist) Merge(o *hist) {
	o.mu.Lock()
	c := o.counts
	n, sum, mn, mx := o.n, o.sum, o.min, o.max
	o.mu.Unlock()
	if n == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, x := range c {
		h.counts[i] += x
	}
	if h.n == 0 || mn < h.min {
		h.min = mn
	}
	if h.n == 0 || mx > h.max {
		h.max = mx
	}
	h.n += n
	h.sum += sum
}

// Count returns the number of samples.
func (h *hist) Count() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// Max returns the largest sample, exactly.
func (h *hist) Max() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return time.Duration(h.max)
}

// Quantile returns the value at quantile q (0 < q ≤ 1): the upper bound of
// the bucket holding the ⌈q·n⌉-th smallest sample, never above the maximum.
// It returns 0 when there are no samples.
func (h *hist) Quantile(q float64) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.999999999)
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for b, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(bucketHigh(b), h.max))
		}
	}
	return time.Duration(h.max)
}

// Summary is the usual row: p50, p90, p99, p99.9 and max.
func (h *hist) Summary() string {
	if h.Count() == 0 {
		return "no samples"
	}
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (n=%d)",
		ms(h.Quantile(0.50)), ms(h.Quantile(0.90)), ms(h.Quantile(0.99)),
		ms(h.Quantile(0.999)), ms(h.Max()), h.Count())
}

// ms formats d in milliseconds with a precision that suits its size.
func ms(d time.Duration) string {
	f := float64(d) / 1e6
	switch {
	case f < 10:
		return fmt.Sprintf("%.2fms", f)
	case f < 1000:
		return fmt.Sprintf("%.1fms", f)
	}
	return fmt.Sprintf("%.0fms", f)
}
