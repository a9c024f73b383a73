package sdnotify_test

import (
	"net"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gonvme/gonvme/internal/sdnotify"
)

func TestNotifySendsOneDatagram(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unixgram sockets")
	}
	path := filepath.Join(t.TempDir(), "notify")
	l, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := sdnotify.New(path).Notify("READY=1", "STATUS=watching 2 discovery controllers"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 256)
	n, err := l.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(buf[:n]); got != "READY=1\nSTATUS=watching 2 discovery controllers" {
		t.Errorf("datagram = %q", got)
	}
}

func TestNotifyRefusesWhatIsNotALine(t *testing.T) {
	n := sdnotify.New(filepath.Join(t.TempDir(), "none"))
	for _, l := range []string{"READY=1\nSTOPPING=1", "READY", "STATUS=a\x00b"} {
		if err := n.Notify(l); err == nil {
			t.Errorf("Notify(%q) succeeded", l)
		}
	}
}

func TestWithoutASocketNothingIsSent(t *testing.T) {
	if err := sdnotify.New("").Notify("READY=1"); err != nil {
		t.Errorf("Notify without NOTIFY_SOCKET = %v", err)
	}
}

func TestAMissingSocketIsAnError(t *testing.T) {
	if err := sdnotify.New(filepath.Join(t.TempDir(), "none")).Notify("READY=1"); err == nil {
		t.Error("Notify to a missing socket succeeded")
	}
}
