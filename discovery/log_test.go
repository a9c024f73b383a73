package discovery

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// fixturePages returns the hand-built pages in testdata and the pages
// captured from a real kernel, keyed by path.
func fixturePages(t testing.TB) map[string][]byte {
	t.Helper()
	pages := map[string][]byte{}
	for _, glob := range []string{"testdata/*.bin", "../testdata/kernel/*/discovery/*.bin"} {
		paths, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			pages[p] = b
		}
	}
	if len(pages) == 0 {
		t.Fatal("no discovery log pages under testdata")
	}
	return pages
}

func readPage(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rdmaTSAS(qp, pr, cms uint8, pkey uint16) [256]byte {
	return RDMATSAS{QPType: qp, PRType: pr, CMS: cms, PKey: pkey}.TSAS()
}

func TestDecodeRDMAPage(t *testing.T) {
	l, err := Decode(readPage(t, "rdma-nvmet.bin"))
	if err != nil {
		t.Fatal(err)
	}
	tsas := rdmaTSAS(QPTypeConnected, PRTypeNotSpecified, CMSRDMACM, 0)
	entry := func(subtype uint8, eflags uint16, nqn string) Entry {
		return Entry{
			TrType: TrTypeRDMA, AdrFam: AdrFamIPv4, SubType: subtype, PortID: 1, CntlID: 0xffff, ASQSZ: 32,
			EFlags: eflags, TrSvcID: "4420", SubNQN: nqn, TrAddr: "169.254.99.1", TSAS: tsas,
		}
	}
	want := &Log{Genctr: 5, Numrec: 3, Entries: []Entry{
		entry(SubTypeCurrentDiscovery, EFlagExplicitPersistent|EFlagNoCDCConnectivity, "nqn.2014-08.org.nvmexpress.discovery"),
		entry(SubTypeNVMe, 0, "nqn.2024-01.io.gonvme:subsys1"),
		entry(SubTypeNVMe, 0, "nqn.2024-01.io.gonvme:subsys2"),
	}}
	if !reflect.DeepEqual(l, want) {
		t.Fatalf("decoded\n got %+v\nwant %+v", l, want)
	}
}

func TestDecodeStrings(t *testing.T) {
	l, err := Decode(readPage(t, "odd-values.bin"))
	if err != nil {
		t.Fatal(err)
	}
	tcp, err := Decode(readPage(t, "tcp-padded.bin"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, got, want string
	}{
		{"space padding trimmed", tcp.Entries[0].TrAddr, "10.0.0.1"},
		{"space-padded service", tcp.Entries[0].TrSvcID, "4420"},
		{"empty", l.Entries[0].TrAddr, ""},
		{"invalid UTF-8 and escapes kept", l.Entries[1].SubNQN, "nqn.2024-01.io.gonvme:\xff\xfe\x1b[31mred"},
		{"control characters kept", l.Entries[1].TrAddr, "fe80::2\x1b]0;title\x07"},
		{"leading spaces kept", l.Entries[4].TrSvcID, "  4420"},
		{"cut at the first NUL", l.Entries[4].SubNQN, "nqn.2024-01.io.gonvme:tail"},
		{"full field without NUL", l.Entries[4].TrAddr, "10.0.0.9" + string(bytes.Repeat([]byte("x"), 248))},
		{"full service without NUL", l.Entries[5].TrSvcID, string(bytes.Repeat([]byte("x"), 32))},
		{"full NQN without NUL", l.Entries[5].SubNQN, string(bytes.Repeat([]byte("n"), 256))},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	// Pages written like nvmet writes them (NUL padding, zero reserved
	// bytes, nothing after the records) must also re-encode byte for byte.
	canonical := func(path string) bool {
		return path == "testdata/rdma-nvmet.bin" || path == "testdata/empty.bin" || filepath.Base(filepath.Dir(path)) == "discovery"
	}
	for path, page := range fixturePages(t) {
		t.Run(path, func(t *testing.T) {
			l, err := DecodePartial(page)
			truncated := errors.Is(err, ErrTruncated)
			switch {
			case truncated:
				l.Numrec = uint64(len(l.Entries))
			case err != nil:
				t.Fatal(err)
			}
			enc := l.Encode()
			again, err := Decode(enc)
			if err != nil {
				t.Fatalf("decoding the re-encoded page: %v", err)
			}
			if !reflect.DeepEqual(l, again) {
				t.Fatalf("round trip changed the log\nfirst  %+v\nsecond %+v", l, again)
			}
			if canonical(path) && !truncated && !bytes.Equal(enc, page) {
				t.Fatalf("re-encoding changed the bytes: first difference at offset %d", firstDiff(enc, page))
			}
		})
	}
}

// The kernel fixtures hold a 4096-byte read of a 4-record log (nvme get-log
// --log-len=4096): the header and three records.
func TestKernelShortRead(t *testing.T) {
	kfixtures.Each(t, testKernelShortRead)
}

func testKernelShortRead(t *testing.T, k kfixtures.Kernel) {
	short := k.ReadFile(t, "discovery/get-log-nvme4-4096.bin")
	full := k.ReadFile(t, "discovery/tcp-127.0.0.1-4420.bin")
	want, err := Decode(full)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodePartial(short)
	var te *TruncatedError
	if !errors.As(err, &te) || te.Numrec != 4 || te.Complete != 3 {
		t.Fatalf("DecodePartial error = %v, want 3 of 4 records", err)
	}
	if got.Genctr != want.Genctr || !reflect.DeepEqual(got.Entries, want.Entries[:3]) {
		t.Fatalf("short read decoded to\n%+v\nwant the first 3 records of\n%+v", got, want)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// page returns a header announcing numrec records followed by n zero records
// and extra bytes.
func page(numrec uint64, n, extra int) []byte {
	b := make([]byte, HeaderSize+n*EntrySize+extra)
	binary.LittleEndian.PutUint64(b[0:], 42)
	binary.LittleEndian.PutUint64(b[8:], numrec)
	return b
}

func TestDecodeTruncated(t *testing.T) {
	cases := []struct {
		name     string
		b        []byte
		numrec   uint64
		complete int
		noLog    bool
	}{
		{"no bytes", nil, 0, 0, true},
		{"cut header", page(0, 0, 0)[:HeaderSize-1], 0, 0, true},
		{"missing records", page(3, 1, 0), 3, 1, false},
		{"cut record", page(2, 1, EntrySize-1), 2, 1, false},
		{"hostile record count", page(1<<62, 2, 0), 1 << 62, 2, false},
		{"header only", page(1, 0, 0), 1, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if l, err := Decode(c.b); l != nil || !errors.Is(err, ErrTruncated) {
				t.Fatalf("Decode = %v, %v; want nil and ErrTruncated", l, err)
			}
			l, err := DecodePartial(c.b)
			var te *TruncatedError
			if !errors.As(err, &te) {
				t.Fatalf("DecodePartial error = %v, want a *TruncatedError", err)
			}
			if te.Numrec != c.numrec || te.Complete != c.complete || te.Len != len(c.b) {
				t.Errorf("error fields = %+v, want Numrec %d, Complete %d, Len %d", te, c.numrec, c.complete, len(c.b))
			}
			if c.noLog {
				if l != nil {
					t.Fatalf("DecodePartial of a cut header returned %+v", l)
				}
				return
			}
			if l == nil || l.Numrec != c.numrec || len(l.Entries) != c.complete || cap(l.Entries) != c.complete {
				t.Fatalf("DecodePartial = %+v, want Numrec %d and %d entries (capacity %d)", l, c.numrec, c.complete, c.complete)
			}
		})
	}
}

func TestTruncatedErrorText(t *testing.T) {
	cases := []struct {
		err  *TruncatedError
		want string
	}{
		{&TruncatedError{Len: 10}, "discovery log page truncated: 10 bytes, shorter than the 1024-byte header"},
		{&TruncatedError{Len: 2048, Numrec: 4, Complete: 1}, "discovery log page truncated: the header announces 4 records but its 2048 bytes hold 1 complete ones"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error()\n got %q\nwant %q", got, c.want)
		}
	}
}

func TestDecodeIgnoresBytesAfterRecords(t *testing.T) {
	l, err := Decode(page(1, 3, 100))
	if err != nil || len(l.Entries) != 1 {
		t.Fatalf("Decode = %+v, %v; want 1 entry", l, err)
	}
}

func TestEncodeSetsNumrecAndCutsLongStrings(t *testing.T) {
	l := &Log{Genctr: 7, Numrec: 99, Recfmt: 1, Entries: []Entry{{TrSvcID: string(bytes.Repeat([]byte("9"), 40))}}}
	b := l.Encode()
	if len(b) != HeaderSize+EntrySize {
		t.Fatalf("encoded %d bytes, want %d", len(b), HeaderSize+EntrySize)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Numrec != 1 || got.Recfmt != 1 || got.Genctr != 7 {
		t.Errorf("header = genctr %d numrec %d recfmt %d, want 7 1 1", got.Genctr, got.Numrec, got.Recfmt)
	}
	if want := string(bytes.Repeat([]byte("9"), trSvcIDSize)); got.Entries[0].TrSvcID != want {
		t.Errorf("trsvcid = %q, want it cut to %d bytes", got.Entries[0].TrSvcID, trSvcIDSize)
	}
}

func TestTSAS(t *testing.T) {
	r := RDMATSAS{QPType: QPTypeDatagram, PRType: PRTypeRoCEv2, CMS: CMSRDMACM, PKey: 0x8001}
	tsas := r.TSAS()
	if want := []byte{2, 4, 1, 0, 0, 0, 0, 0, 0x01, 0x80}; !bytes.Equal(tsas[:10], want) {
		t.Fatalf("TSAS bytes = % x, want % x", tsas[:10], want)
	}
	if got := (Entry{TSAS: tsas}).RDMA(); got != r {
		t.Fatalf("RDMA() = %+v, want %+v", got, r)
	}
	if got := (Entry{TSAS: [256]byte{SecTypeTLS13}}).TCPSecType(); got != SecTypeTLS13 {
		t.Fatalf("TCPSecType() = %d, want %d", got, SecTypeTLS13)
	}
}

func FuzzDecode(f *testing.F) {
	for _, p := range fixturePages(f) {
		f.Add(p)
		f.Add(p[:len(p)-1])
	}
	f.Add(page(1<<63, 1, 0))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		partial, perr := DecodePartial(b)
		l, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrTruncated) || !errors.Is(perr, ErrTruncated) {
				t.Fatalf("Decode error %v, DecodePartial error %v: want both ErrTruncated", err, perr)
			}
			if partial != nil && uint64(len(partial.Entries)) >= partial.Numrec {
				t.Fatalf("truncated page decoded to %d of %d records", len(partial.Entries), partial.Numrec)
			}
			return
		}
		if perr != nil || !reflect.DeepEqual(l, partial) {
			t.Fatalf("Decode and DecodePartial disagree on a complete page: %v", perr)
		}
		again, err := Decode(l.Encode())
		if err != nil {
			t.Fatalf("decoding the re-encoded page: %v", err)
		}
		if !reflect.DeepEqual(l, again) {
			t.Fatalf("round trip changed the log\nfirst  %+v\nsecond %+v", l, again)
		}
	})
}
