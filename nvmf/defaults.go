package nvmf

import (
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/nqn"
)

// Default ports and timeouts, as nvme-cli and the kernel use them.
const (
	DefaultRDMAPort         = "4420"
	DefaultTCPDiscoveryPort = "8009"
	DefaultTCPIOPort        = "4420"
	DefaultCtrlLossTmo      = 600
	PersistentDiscoveryKato = 30
)

// DefaultTrsvcid returns the port nvme-cli assumes when none is given.
func DefaultTrsvcid(transport string, discoveryController bool) string {
	switch transport {
	case "rdma":
		return DefaultRDMAPort
	case "tcp":
		if discoveryController {
			return DefaultTCPDiscoveryPort
		}
		return DefaultTCPIOPort
	}
	return ""
}

// discoveryOptions turns a target's options into the options of a discovery
// controller connect, the way nvme-cli does: the well-known NQN unless
// another is given (then the discovery flag), the default port, no I/O
// queue or authentication settings, and a keep-alive timeout only when
// persistent.
func discoveryOptions(o fabrics.Options, persistent bool) fabrics.Options {
	o.Defaults = copyDefaults(o.Defaults)
	if o.NQN == "" {
		o.NQN = nqn.Discovery
	}
	o.Discovery = o.NQN != nqn.Discovery
	if o.Trsvcid == "" {
		o.Trsvcid = DefaultTrsvcid(o.Transport, true)
		o.Defaults["trsvcid"] = true
	}
	o.NrIOQueues, o.NrWriteQueues, o.NrPollQueues, o.QueueSize = nil, nil, nil, nil
	o.DHCHAPSecret, o.DHCHAPCtrlSecret, o.Concat = "", "", false // concat needs the secret
	switch {
	case persistent && o.KeepAliveTmo == nil:
		o.KeepAliveTmo = fabrics.Int(PersistentDiscoveryKato)
		o.Defaults["keep_alive_tmo"] = true
	case !persistent:
		o.KeepAliveTmo = nil
	}
	setCtrlLossDefault(&o)
	return o
}

// IOOptions fills in the defaults of an I/O controller connect.
func IOOptions(o fabrics.Options) fabrics.Options {
	o.Defaults = copyDefaults(o.Defaults)
	if o.Trsvcid == "" {
		if p := DefaultTrsvcid(o.Transport, false); p != "" {
			o.Trsvcid = p
			o.Defaults["trsvcid"] = true
		}
	}
	setCtrlLossDefault(&o)
	return o
}

func setCtrlLossDefault(o *fabrics.Options) {
	if o.CtrlLossTmo == nil && o.Transport != "loop" {
		o.CtrlLossTmo = fabrics.Int(DefaultCtrlLossTmo)
		o.Defaults["ctrl_loss_tmo"] = true
	}
}

func copyDefaults(m map[string]bool) map[string]bool {
	c := make(map[string]bool, len(m)+4)
	for k, v := range m {
		c[k] = v
	}
	return c
}
