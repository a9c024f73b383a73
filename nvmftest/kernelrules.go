package nvmftest

import (
	"regexp"
	"syscall"
	"testing"

	"github.com/google/uuid"
)

// nqnSize is the kernel's NVMF_NQN_SIZE: nqn= and hostnqn= values of this
// many bytes or more are refused.
const nqnSize = 223

// kernelRefuses applies the checks nvmf_parse_options makes before any
// transport is involved, returning the errno the kernel would: EINVAL for
// an NQN of 223 bytes or more, a host ID that is not a UUID, or no nqn or
// transport. The fake refuses what the kernel refuses, so a test cannot
// pass on a write the real kernel would reject.
func kernelRefuses(m map[string]string) syscall.Errno {
	for _, k := range []string{"nqn", "hostnqn"} {
		if v, ok := m[k]; ok && len(v) >= nqnSize {
			return syscall.EINVAL
		}
	}
	if v, ok := m["hostid"]; ok {
		if len(v) != 36 || uuid.Validate(v) != nil {
			return syscall.EINVAL
		}
	}
	if m["nqn"] == "" || m["transport"] == "" {
		return syscall.EINVAL
	}
	return 0
}

// The options each transport driver of the 6.1 kernel takes
// (drivers/nvme/host/fabrics.c NVMF_ALLOWED_OPTS and the required_opts and
// allowed_opts of nvme_rdma_transport, nvme_tcp_transport, nvme_fc_transport
// and nvme_loop_transport; tcp also takes the TLS tokens of later kernels).
// Written out here rather than taken from package fabrics, so that a wrong
// rule there shows up as a refused write.
var (
	genericOpts = words("transport", "nqn", "queue_size", "nr_io_queues", "keep_alive_tmo",
		"hostnqn", "hostid", "duplicate_connect", "disable_sqflow", "discovery",
		"fast_io_fail_tmo", "dhchap_secret", "dhchap_ctrl_secret")
	transportOpts = map[string]struct{ required, allowed map[string]bool }{
		"rdma": {words("traddr"), words("traddr", "trsvcid", "host_traddr", "reconnect_delay",
			"ctrl_loss_tmo", "nr_write_queues", "nr_poll_queues", "tos")},
		"tcp": {words("traddr"), words("traddr", "trsvcid", "host_traddr", "host_iface",
			"reconnect_delay", "ctrl_loss_tmo", "nr_write_queues", "nr_poll_queues", "tos",
			"hdr_digest", "data_digest", "tls", "keyring", "tls_key", "concat")},
		"fc":   {words("traddr", "host_traddr"), words("traddr", "host_traddr", "reconnect_delay", "ctrl_loss_tmo")},
		"loop": {nil, words("traddr")},
	}
	// fcAddr is what nvme_fc_parse_traddr accepts.
	fcAddr = regexp.MustCompile(`^nn-(0x)?[0-9a-fA-F]{16}:pn-(0x)?[0-9a-fA-F]{16}$`)
)

func words(ws ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// refuse returns the errno the kernel answers an option string with, or 0:
// EINVAL for an unknown transport or one whose module Unloaded lists, a
// token the transport does not take, a missing required token, or an FC
// address nvme-fc cannot parse.
func (k *Kernel) refuse(m map[string]string) syscall.Errno {
	rules, ok := transportOpts[m["transport"]]
	if !ok || k.Unloaded[m["transport"]] {
		return syscall.EINVAL
	}
	for tok := range m {
		if !genericOpts[tok] && !rules.allowed[tok] {
			return syscall.EINVAL
		}
	}
	for tok := range rules.required {
		if _, ok := m[tok]; !ok {
			return syscall.EINVAL
		}
	}
	if m["transport"] == "fc" && (!fcAddr.MatchString(m["traddr"]) || !fcAddr.MatchString(m["host_traddr"])) {
		return syscall.EINVAL
	}
	return 0
}

// ConnectedFirst is a Kernel.Fail that acts as if another process (a
// concurrent connect-all) connected subnqn first: the controller name
// appears in sysfs with state, and the write gets EALREADY.
func ConnectedFirst(t testing.TB, f *Fake, name, subnqn, state string) func(map[string]string) syscall.Errno {
	return func(m map[string]string) syscall.Errno {
		if m["nqn"] != subnqn {
			return 0
		}
		f.AddController(t, name, map[string]string{
			"transport": m["transport"], "address": "traddr=" + m["traddr"] + ",trsvcid=" + m["trsvcid"],
			"subsysnqn": m["nqn"], "hostnqn": m["hostnqn"], "state": state, "cntrltype": "io",
		})
		return syscall.EALREADY
	}
}
