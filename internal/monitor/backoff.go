package monitor

import "time"

// Backoff is a capped exponential retry delay: Min after the first
// failure, doubling after each further one, never more than Max.
type Backoff struct {
	Min, Max time.Duration
}

// DefaultBackoff retries after 1 s, doubling up to 5 minutes.
var DefaultBackoff = Backoff{Min: time.Second, Max: 5 * time.Minute}

// Delay is the wait after the failures-th failure in a row (from 1).
func (b Backoff) Delay(failures int) time.Duration {
	d := b.Min
	for i := 1; i < failures && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}
