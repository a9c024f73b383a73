package nvmf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the file whose lock serializes attaches and detaches across
// processes (under the Edge's root).
const LockFile = "/run/gonvme/attach.lock"

// Lock takes the host's attach lock, waiting until it is free or ctx is
// done. Detach takes it; callers that attach (connect, then wait for the
// namespaces) take it around that. The returned function releases it.
func (e *Edge) Lock(ctx context.Context) (unlock func(), err error) {
	path := e.FS.Path(LockFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("attach lock: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("attach lock: %w", err)
	}
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("attach lock %s: %w", path, err)
		}
		if ok {
			return func() { f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for the attach lock %s (another attach or detach holds it): %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
