//go:build linux

package kmsg

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Journal follows /dev/kmsg from the moment it was opened.
type Journal struct {
	fd int
}

// Open opens path (normally /dev/kmsg) positioned after the last record.
// It fails without root when the kernel restricts dmesg.
func Open(path string) (*Journal, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	if _, err := unix.Seek(fd, 0, unix.SEEK_END); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "seek", Path: path, Err: err}
	}
	return &Journal{fd: fd}, nil
}

// Read returns the relevant records logged since Open or the last Read.
func (j *Journal) Read() []Record {
	var out []Record
	buf := make([]byte, 8192)
	for {
		n, err := unix.Read(j.fd, buf)
		if errors.Is(err, unix.EPIPE) {
			continue // records were overwritten; carry on with the next
		}
		if err != nil || n <= 0 {
			return out
		}
		if r, ok := ParseRecord(buf[:n]); ok && Relevant(r.Message) {
			out = append(out, r)
		}
	}
}

// Close releases the journal.
func (j *Journal) Close() error { return unix.Close(j.fd) }
