package nvmf_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/internal/textdiff"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/nvmftest"
)

// target is a discovery target from the command line, with the fixtures'
// host identity filled in as the CLI does (values from /etc/nvme are
// defaults).
func target(transport, traddr, trsvcid string) nvmf.Target {
	return nvmf.Target{Options: identity(fabrics.Options{Transport: transport, Traddr: traddr, Trsvcid: trsvcid})}
}

func identity(o fabrics.Options) fabrics.Options {
	o.HostNQN, o.HostID = nvmftest.HostNQN, nvmftest.HostID
	o.Defaults = map[string]bool{"hostnqn": true, "hostid": true}
	return o
}

// anonymize replaces the host identity in an option string.
func anonymize(s string) string {
	s = strings.ReplaceAll(s, "hostnqn="+nvmftest.HostNQN, "hostnqn=HOSTNQN")
	return strings.ReplaceAll(s, "hostid="+nvmftest.HostID, "hostid=HOSTID")
}

// ioWrite is the option string of an I/O connect through the fake.
func ioWrite(transport, traddr, trsvcid, subnqn string, extra ...string) string {
	s := "nqn=" + subnqn + ",transport=" + transport + ",traddr=" + traddr + ",trsvcid=" + trsvcid +
		",hostnqn=" + nvmftest.HostNQN + ",hostid=" + nvmftest.HostID + ",ctrl_loss_tmo=600"
	for _, e := range extra {
		s += "," + e
	}
	return s
}

// discWrite is the option string of a temporary discovery controller.
func discWrite(transport, traddr, trsvcid string) string {
	return "nqn=nqn.2014-08.org.nvmexpress.discovery,transport=" + transport + ",traddr=" + traddr + ",trsvcid=" + trsvcid +
		",hostnqn=" + nvmftest.HostNQN + ",hostid=" + nvmftest.HostID + ",ctrl_loss_tmo=600"
}

func joinLines(s []string) string { return "\n\t" + strings.Join(s, "\n\t") }

var background = context.Background()

func lineDiff(want, got string) string { return textdiff.FirstLine(want, got) }

// checked returns o validated, failing the test when it is not valid.
func checked(t testing.TB, o fabrics.Options) fabrics.Validated {
	t.Helper()
	v, err := o.Check()
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return v
}
