package netroutetest_test

import (
	"errors"
	"net/netip"
	"syscall"
	"testing"

	"github.com/gonvme/gonvme/internal/netroute"
	"github.com/gonvme/gonvme/internal/netroute/netroutetest"
)

// The fake answers as the captured kernel did: the healthy guest's route
// to its own address is local (lo), the trap's leaves through veth2, and
// an address without a captured answer is unreachable.
func TestHostAnswersFromTheCaptures(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		q        netroute.Query
		iface    string
	}{
		{"healthy", netroute.Query{Dst: netroutetest.Target}, "lo"},
		{"seed003", netroute.Query{Dst: netroutetest.Target}, "veth2"},
	} {
		r, err := netroutetest.Host(t, tc.scenario).Route(tc.q)
		if err != nil || r.Iface != tc.iface {
			t.Errorf("%s: route %+v = %+v, %v; want through %s", tc.scenario, tc.q, r, err, tc.iface)
		}
	}
	_, err := netroutetest.Host(t, "healthy").Route(netroute.Query{Dst: netip.MustParseAddr("127.0.0.2")})
	if !errors.Is(err, syscall.ENETUNREACH) {
		t.Errorf("uncaptured address: %v, want ENETUNREACH", err)
	}
}
