package discovery

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/ioctl"
)

// logRead is one Get Log Page command as the fake controller decoded it.
type logRead struct {
	Offset uint64
	Len    int
	RAE    bool
}

// fakeController serves Get Log Page for the discovery log. Its log is
// pages[i] while serving command i (the last page once they run out), so
// a test can change the log between any two commands. Reads past the end
// of the log return zeros, as nvmet does.
type fakeController struct {
	pages [][]byte
	reads []logRead
	fail  func(r logRead) error
}

func (f *fakeController) Submit(c ioctl.Command, data []byte) (uint32, error) {
	numd := int(c.CDW10>>16|c.CDW11<<16) + 1
	r := logRead{Offset: uint64(c.CDW12) | uint64(c.CDW13)<<32, Len: len(data), RAE: c.CDW10&(1<<15) != 0}
	if c.Opcode != ioctl.OpcodeGetLogPage || c.CDW10&0xff != LogPageID || numd*4 != len(data) {
		return 0, &ioctl.StatusError{Status: 0x4002}
	}
	page := f.pages[min(len(f.reads), len(f.pages)-1)]
	f.reads = append(f.reads, r)
	if f.fail != nil {
		if err := f.fail(r); err != nil {
			return 0, err
		}
	}
	clear(data)
	if r.Offset < uint64(len(page)) {
		copy(data, page[r.Offset:])
	}
	return 0, nil
}

// logPage builds a page with n RDMA records, each carrying its index in
// its NQN.
func logPage(genctr uint64, n int) []byte {
	l := &Log{Genctr: genctr}
	for i := range n {
		l.Entries = append(l.Entries, Entry{
			TrType: TrTypeRDMA, AdrFam: AdrFamIPv4, SubType: SubTypeNVMe, PortID: 1,
			TrSvcID: "4420", TrAddr: "192.0.2.1", SubNQN: "nqn.2024-01.io.gonvme:s" + string(rune('a'+i%26)),
			TSAS: RDMATSAS{QPType: QPTypeConnected, PRType: PRTypeRoCEv2, CMS: CMSRDMACM}.TSAS(),
		})
	}
	return l.Encode()
}

func TestFetchCommands(t *testing.T) {
	cases := []struct {
		name  string
		n     int
		reads []logRead
	}{
		{"empty log", 0, []logRead{{0, 1024, false}}},
		{"one chunk", 3, []logRead{{0, 1024, false}, {1024, 3072, false}, {0, 1024, false}}},
		{"exactly one chunk", 4, []logRead{{0, 1024, false}, {1024, 4096, false}, {0, 1024, false}}},
		{"nine records in one wide command", 9, []logRead{{0, 1024, false}, {1024, 9216, false}, {0, 1024, false}}},
		{"two wide commands", 65, []logRead{
			{0, 1024, false},
			{1024, 65536, true}, {66560, 1024, false},
			{0, 1024, false},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := logPage(3, c.n)
			f := &fakeController{pages: [][]byte{want}}
			l, raw, err := Fetch(f, DefaultRetries)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f.reads, c.reads) {
				t.Errorf("reads\n got %+v\nwant %+v", f.reads, c.reads)
			}
			if !bytes.Equal(raw, want) {
				t.Errorf("raw page differs from the controller's at offset %d", firstDiff(raw, want))
			}
			if l.Genctr != 3 || l.Numrec != uint64(c.n) || len(l.Entries) != c.n {
				t.Errorf("log genctr %d numrec %d with %d entries, want 3, %d, %d", l.Genctr, l.Numrec, len(l.Entries), c.n, c.n)
			}
		})
	}
}

// A controller that refuses transfers over 4 KiB gets the records again in
// 4 KiB commands that retain the event on all but the last.
func TestFetchFallsBackToSmallTransfers(t *testing.T) {
	want := logPage(3, 9)
	f := &fakeController{pages: [][]byte{want}, fail: func(r logRead) error {
		if r.Len > 4096 {
			return syscall.EINVAL
		}
		return nil
	}}
	l, raw, err := Fetch(f, DefaultRetries)
	if err != nil {
		t.Fatal(err)
	}
	wantReads := []logRead{
		{0, 1024, false},
		{1024, 9216, false},
		{1024, 4096, true}, {5120, 4096, true}, {9216, 1024, false},
		{0, 1024, false},
	}
	if !reflect.DeepEqual(f.reads, wantReads) {
		t.Errorf("reads\n got %+v\nwant %+v", f.reads, wantReads)
	}
	if !bytes.Equal(raw, want) || len(l.Entries) != 9 {
		t.Errorf("fallback read %d entries, raw equal %v", len(l.Entries), bytes.Equal(raw, want))
	}
}

func TestFetchRetriesUntilStable(t *testing.T) {
	cases := []struct {
		name string
		// pages served per command: the change lands between the records
		// and the second header read.
		pages [][]byte
		want  []byte
		reads int
	}{
		{"generation counter moved", [][]byte{logPage(1, 2), logPage(1, 2), logPage(2, 2)}, logPage(2, 2), 5},
		{"record added", [][]byte{logPage(1, 2), logPage(1, 2), logPage(2, 3)}, logPage(2, 3), 5},
		{"record count changed alone", [][]byte{logPage(1, 2), logPage(1, 2), logPage(1, 1)}, logPage(1, 1), 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeController{pages: c.pages}
			l, raw, err := Fetch(f, DefaultRetries)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(raw, c.want) {
				t.Fatalf("raw page is not the settled log (first difference at %d)", firstDiff(raw, c.want))
			}
			if want, _ := Decode(c.want); !reflect.DeepEqual(l, want) {
				t.Fatalf("log\n got %+v\nwant %+v", l, want)
			}
			if len(f.reads) != c.reads {
				t.Fatalf("%d reads, want %d: %+v", len(f.reads), c.reads, f.reads)
			}
		})
	}
}

// churning returns pages whose generation counter changes on every
// command.
func churning(n int) [][]byte {
	pages := make([][]byte, n)
	for i := range pages {
		pages[i] = logPage(uint64(i+1), 2)
	}
	return pages
}

func TestFetchUnstable(t *testing.T) {
	cases := []struct {
		retries, tries int
	}{
		{10, 10},
		{3, 3},
		{0, 1},
		{-1, 1},
	}
	for _, c := range cases {
		f := &fakeController{pages: churning(100)}
		_, _, err := Fetch(f, c.retries)
		var ue *UnstableError
		if !errors.As(err, &ue) {
			t.Fatalf("Fetch(retries %d) error = %v, want *UnstableError", c.retries, err)
		}
		reads := 1 + 2*c.tries
		if ue.Tries != c.tries || ue.First != 1 || ue.Last != uint64(reads) || len(f.reads) != reads {
			t.Errorf("Fetch(retries %d): %+v after %d reads, want %d tries from genctr 1 to %d", c.retries, ue, len(f.reads), c.tries, reads)
		}
	}
	want := "discovery log kept changing while it was read (generation counter 1 to 21 over 10 tries): the target's configuration is being updated; try again later"
	if got := (&UnstableError{Tries: 10, First: 1, Last: 21}).Error(); got != want {
		t.Errorf("Error()\n got %q\nwant %q", got, want)
	}
}

func TestFetchTooManyRecords(t *testing.T) {
	header := logPage(1, 0)
	header[8+2] = 0x01 // numrec 65536
	f := &fakeController{pages: [][]byte{header}}
	_, _, err := Fetch(f, DefaultRetries)
	var te *TooManyRecordsError
	if !errors.As(err, &te) || te.Numrec != 65536 {
		t.Fatalf("error = %v, want *TooManyRecordsError for 65536 records", err)
	}
	if len(f.reads) != 1 {
		t.Fatalf("read %d times after a hostile header, want only the header", len(f.reads))
	}
}

func TestFetchAdminErrors(t *testing.T) {
	status := &ioctl.StatusError{Status: 0x4109}
	cases := []struct {
		name   string
		failAt []int // command indexes that fail
		prefix string
	}{
		{"header", []int{0}, "read discovery log header: "},
		// the wide read fails, then the first 4 KiB read of the fallback
		{"records", []int{1, 2}, "read 9 discovery log records: "},
		{"header again", []int{2}, "read discovery log header again: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeController{pages: [][]byte{logPage(1, 9)}}
			f.fail = func(logRead) error {
				if slices.Contains(c.failAt, len(f.reads)-1) {
					return status
				}
				return nil
			}
			l, raw, err := Fetch(f, DefaultRetries)
			if l != nil || raw != nil || !errors.Is(err, status) {
				t.Fatalf("Fetch = %v, %d bytes, %v; want nothing and the status error", l, len(raw), err)
			}
			if got := err.Error(); len(got) < len(c.prefix) || got[:len(c.prefix)] != c.prefix {
				t.Fatalf("error %q does not start with %q", got, c.prefix)
			}
		})
	}
}

// A controller whose log holds fewer records than its header announces
// answers with zeros; the records come back empty rather than failing.
func TestFetchShortLog(t *testing.T) {
	full := logPage(4, 3)
	f := &fakeController{pages: [][]byte{full[:HeaderSize+EntrySize]}}
	l, raw, err := Fetch(f, DefaultRetries)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != len(full) || len(l.Entries) != 3 || l.Entries[0].SubNQN != "nqn.2024-01.io.gonvme:sa" || l.Entries[2] != (Entry{}) {
		t.Fatalf("got %d bytes, entries %+v", len(raw), l.Entries)
	}
}
