package ioctl

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// namespaceData builds an Identify Namespace structure with the given
// formats (as LBADS values) and FLBAS.
func namespaceData(flbas uint8, lbads ...uint8) []byte {
	b := make([]byte, IdentifySize)
	le := binary.LittleEndian
	le.PutUint64(b[0:], 2097152)
	le.PutUint64(b[8:], 2097152)
	le.PutUint64(b[16:], 1048576)
	b[24] = 0x10
	b[25] = uint8(len(lbads) - 1)
	b[26] = flbas
	b[29] = 0
	b[30] = 1
	le.PutUint32(b[92:], 1)
	copy(b[104:120], "0123456789abcdef")
	copy(b[120:128], "EUI64id!")
	for i, ds := range lbads {
		le.PutUint16(b[128+4*i:], uint16(8*i))
		b[128+4*i+2] = ds
		b[128+4*i+3] = 0xfe
	}
	return b
}

func TestDecodeIdentifyNamespace(t *testing.T) {
	got, err := DecodeIdentifyNamespace(namespaceData(1, 9, 12))
	if err != nil {
		t.Fatal(err)
	}
	want := &IdentifyNamespaceData{
		NSZE: 2097152, NCAP: 2097152, NUSE: 1048576,
		NSFEAT: 0x10, NLBAF: 1, FLBAS: 1, NMIC: 1, ANAGRPID: 1,
		NGUID: [16]byte([]byte("0123456789abcdef")),
		EUI64: [8]byte([]byte("EUI64id!")),
		LBAF:  []LBAFormat{{MS: 0, LBADS: 9, RP: 2}, {MS: 8, LBADS: 12, RP: 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded\n got %+v\nwant %+v", got, want)
	}
	if got.LBASize() != 4096 {
		t.Fatalf("LBASize = %d, want 4096", got.LBASize())
	}
}

func TestLBASize(t *testing.T) {
	formats := func(n int, ds uint8) []LBAFormat {
		f := make([]LBAFormat, n)
		for i := range f {
			f[i].LBADS = ds + uint8(i%4)
		}
		return f
	}
	cases := []struct {
		name  string
		flbas uint8
		lbaf  []LBAFormat
		want  uint32
	}{
		{"first format", 0x00, formats(2, 9), 512},
		{"metadata bit ignored", 0x11, formats(2, 9), 1024},
		{"upper index bits", 0x21, formats(20, 9), 1 << (9 + 17%4)},
		{"index past the formats", 0x02, formats(2, 9), 0},
		{"no formats", 0x00, nil, 0},
		{"unrepresentable size", 0x00, []LBAFormat{{LBADS: 32}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &IdentifyNamespaceData{FLBAS: c.flbas, LBAF: c.lbaf}
			if got := n.LBASize(); got != c.want {
				t.Fatalf("LBASize with FLBAS 0x%02x = %d, want %d", c.flbas, got, c.want)
			}
		})
	}
}

func TestDecodeIdentifyShort(t *testing.T) {
	if _, err := DecodeIdentifyNamespace(nil); !errors.Is(err, ErrShortData) {
		t.Errorf("namespace: error = %v, want ErrShortData", err)
	}
}

func TestIdentifyCommands(t *testing.T) {
	answer := func(data []byte) func(Command, []byte) (uint32, error) {
		return func(_ Command, buf []byte) (uint32, error) {
			copy(buf, data)
			return 0, nil
		}
	}
	a := &fakeAdmin{respond: answer(namespaceData(0, 9))}
	n, err := IdentifyNamespace(a, 7)
	if err != nil || n.LBASize() != 512 {
		t.Fatalf("IdentifyNS = %+v, %v", n, err)
	}
	if want := (Command{Opcode: OpcodeIdentify, NSID: 7, CDW10: CNSNamespace}); a.cmds[0] != want || a.lens[0] != IdentifySize {
		t.Fatalf("IdentifyNS sent %+v with %d bytes, want %+v with %d", a.cmds[0], a.lens[0], want, IdentifySize)
	}

	a = &fakeAdmin{respond: func(Command, []byte) (uint32, error) { return 0, &StatusError{Status: 0x400b} }}
	var se *StatusError
	if _, err := IdentifyNamespace(a, 99); !errors.As(err, &se) || se.SC() != 0x0b {
		t.Fatalf("IdentifyNS on a missing namespace: error = %v, want a *StatusError with SC 0x0b", err)
	}
}

// addKernelSeeds adds the Identify data captured from every kernel that
// matches glob.
func addKernelSeeds(f *testing.F, glob string) {
	var paths []string
	for _, k := range kfixtures.All() {
		found, _ := filepath.Glob(k.Path(filepath.Join("identify", glob)))
		paths = append(paths, found...)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzIdentifyNamespace(f *testing.F) {
	f.Add(namespaceData(1, 9, 12))
	f.Add(namespaceData(0x6f, 9, 12, 9, 12, 9, 12, 9, 12, 9, 12, 9, 12, 9, 12, 9, 12, 9))
	f.Add(make([]byte, IdentifySize))
	f.Add([]byte{1, 2, 3})
	addKernelSeeds(f, "id-ns-*.bin")
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := DecodeIdentifyNamespace(b)
		if len(b) < IdentifySize {
			if err == nil {
				t.Fatalf("decoded %d bytes without error", len(b))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := min(int(b[25])+1, 64); len(n.LBAF) != want {
			t.Fatalf("NLBAF %d gave %d formats, want %d", b[25], len(n.LBAF), want)
		}
		if s := n.LBASize(); s&(s-1) != 0 {
			t.Fatalf("LBASize %d is not a power of two", s)
		}
	})
}
