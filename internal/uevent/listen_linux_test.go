package uevent_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/gonvme/gonvme/internal/uevent"
)

// The socket needs no privilege to listen; Close ends a Read waiting on it.
func TestCloseEndsARead(t *testing.T) {
	l, err := uevent.Listen()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := l.Read(); err != nil {
				done <- err
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, os.ErrClosed) {
			t.Errorf("Read after Close = %v; want os.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read still waits 5 s after Close")
	}
}
