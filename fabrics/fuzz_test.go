package fabrics

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/nvmftest/kfixtures"
)

// FuzzEncode checks that no accepted option string carries a token the
// Options did not set: every token split on ',' and '\n' must be one set
// option, exactly once, with exactly its value.
func FuzzEncode(f *testing.F) {
	f.Add("rdma", testNQN, "169.254.99.1", "4420", "", "", testHostNQN, testHostID, "", "", int64(600), int64(0), uint32(0))
	f.Add("tcp", testNQN, "fe80::1%eth0", "4420", "fe80::2%eth0", "eth0", "", "", specSecret, specSecret, int64(-1), int64(255), uint32(0xff))
	f.Add("tcp", testNQN+",traddr=1.2.3.4", "127.0.0.1", "4420", "", "", "", "", "", "", int64(1), int64(1), uint32(1))
	f.Add("rdma", testNQN, "169.254.99.1\nduplicate_connect", "4420", "", "", "", "", "", "", int64(0), int64(0), uint32(0))
	f.Add("fc", testNQN, "nn-0x20000090fa942779:pn-0x10000090fa942779", "", "nn-0x20000090fae0b5f5:pn-0x10000090fae0b5f5", "", "", "", "", "", int64(10), int64(0), uint32(4))
	f.Add("loop", testNQN, "1", "", "", "", "", "", "", "", int64(16), int64(1024), uint32(0x3ff))
	f.Add("tcp", testNQN, "127.0.0.1", "4420", "", "", "", "", makeSecret("02", 48), "", int64(3), int64(4), uint32(0x100))
	f.Fuzz(func(t *testing.T, transport, subnqn, traddr, trsvcid, hostTraddr, hostIface, hostNQN, hostID, secret, ctrlSecret string, n1, n2 int64, bits uint32) {
		nums := []*int{}
		for i := 0; i < 11; i++ {
			v := n1
			if i%2 == 1 {
				v = n2
			}
			if bits&(1<<(i+8)) == 0 {
				nums = append(nums, nil)
				continue
			}
			nums = append(nums, Int(int(v)))
		}
		flags := make([]bool, 7)
		for i := range flags {
			flags[i] = bits&(1<<i) != 0
		}
		o := Options{
			Transport: transport, NQN: subnqn, Traddr: traddr, Trsvcid: trsvcid, HostTraddr: hostTraddr,
			HostIface: hostIface, HostNQN: hostNQN, HostID: hostID, DHCHAPSecret: secret, DHCHAPCtrlSecret: ctrlSecret,
			QueueSize: nums[0], NrIOQueues: nums[1], NrWriteQueues: nums[2], NrPollQueues: nums[3],
			ReconnectDelay: nums[4], CtrlLossTmo: nums[5], KeepAliveTmo: nums[6], FastIOFailTmo: nums[7],
			Tos: nums[8], Keyring: nums[9], TLSKey: nums[10],
			DuplicateConnect: flags[0], DisableSQFlow: flags[1], HdrDigest: flags[2], DataDigest: flags[3],
			Discovery: flags[4], TLS: flags[5], Concat: flags[6],
		}
		v, err := o.Check()
		if err != nil {
			return
		}
		encoded := v.Encode()
		want := setTokens(o)
		tokens := strings.FieldsFunc(encoded, func(r rune) bool { return r == ',' || r == '\n' })
		if strings.Count(encoded, ",")+1 != len(tokens) || strings.Contains(encoded, "\n") {
			t.Fatalf("encoding %q has empty tokens or a newline", encoded)
		}
		if len(tokens) != len(want) {
			t.Fatalf("encoding %q has %d tokens, the options set %d", encoded, len(tokens), len(want))
		}
		for _, tok := range tokens {
			name, value, _ := strings.Cut(tok, "=")
			v, ok := want[name]
			if !ok {
				t.Fatalf("encoding %q carries token %q that the options did not set", encoded, tok)
			}
			if value != v {
				t.Fatalf("token %q has value %q, the option is %q", name, value, v)
			}
			delete(want, name)
		}
	})
}

// setTokens lists the tokens o sets, with their values ("" for flags),
// written out independently of the package's option table.
func setTokens(o Options) map[string]string {
	m := map[string]string{}
	for name, v := range map[string]string{
		"transport": o.Transport, "nqn": o.NQN, "traddr": o.Traddr, "trsvcid": o.Trsvcid,
		"host_traddr": o.HostTraddr, "host_iface": o.HostIface, "hostnqn": o.HostNQN, "hostid": o.HostID,
		"dhchap_secret": o.DHCHAPSecret, "dhchap_ctrl_secret": o.DHCHAPCtrlSecret,
	} {
		if v != "" {
			m[name] = v
		}
	}
	for name, p := range map[string]*int{
		"queue_size": o.QueueSize, "nr_io_queues": o.NrIOQueues, "nr_write_queues": o.NrWriteQueues,
		"nr_poll_queues": o.NrPollQueues, "reconnect_delay": o.ReconnectDelay, "ctrl_loss_tmo": o.CtrlLossTmo,
		"keep_alive_tmo": o.KeepAliveTmo, "fast_io_fail_tmo": o.FastIOFailTmo, "tos": o.Tos,
		"keyring": o.Keyring, "tls_key": o.TLSKey,
	} {
		if p != nil {
			m[name] = strconv.Itoa(*p)
		}
	}
	for name, b := range map[string]bool{
		"duplicate_connect": o.DuplicateConnect, "disable_sqflow": o.DisableSQFlow, "hdr_digest": o.HdrDigest,
		"data_digest": o.DataDigest, "discovery": o.Discovery, "tls": o.TLS, "concat": o.Concat,
	} {
		if b {
			m[name] = ""
		}
	}
	return m
}

func FuzzParseReply(f *testing.F) {
	for _, s := range []string{"instance=3,cntlid=1\n", "instance=0,cntlid=65535", "instance=03,cntlid=1\n", "instance=-1,cntlid=-1,transport=%s\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReply(s)
		if err != nil {
			return
		}
		if r.Instance < 0 || r.CntlID < 0 || r.CntlID > 0xffff {
			t.Fatalf("ParseReply(%q) = %+v: out of range", s, r)
		}
		if again := fmt.Sprintf("instance=%d,cntlid=%d", r.Instance, r.CntlID); again != strings.TrimSuffix(s, "\n") {
			t.Fatalf("ParseReply(%q) = %+v, which prints as %q: the parser accepted a non-canonical reply", s, r, again)
		}
	})
}

func FuzzParseSupported(f *testing.F) {
	for _, k := range kfixtures.All() {
		if b, err := os.ReadFile(k.Path("nvme-cli/supported-options.txt")); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{"transport=%s,nqn=%s\n", "instance=3,cntlid=1\n", "transport=%s,,nqn=%s", "transport=%s,nqn=%s,tls,concat\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sup, err := ParseSupported(s)
		if err != nil {
			return
		}
		if !sup["transport"] || !sup["nqn"] {
			t.Fatalf("ParseSupported(%q) = %v without transport or nqn", s, sup)
		}
		tokens := strings.Split(strings.TrimSuffix(s, "\n"), ",")
		for name := range sup {
			if !isTokenName(name) {
				t.Fatalf("ParseSupported(%q) yielded the bad name %q", s, name)
			}
			found := false
			for _, tok := range tokens {
				found = found || tok == name || strings.HasPrefix(tok, name+"=")
			}
			if !found {
				t.Fatalf("ParseSupported(%q) yielded %q, which is not a token of the input", s, name)
			}
		}
	})
}
