package main

import (
	"flag"
	"fmt"
	"net/netip"
	"os"

	"github.com/gonvme/gonvme/internal/netroute"
)

// route-get writes the kernel's raw netlink answer to an RTM_GETROUTE for
// DST (from --src) to --out, the fixture netroute.ParseReply is tested on.
func routeGetCmd(args []string) error {
	fs := flag.NewFlagSet("route-get", flag.ExitOnError)
	out := fs.String("out", "", "output file (required)")
	src := fs.String("src", "", "source address")
	_ = fs.Parse(args)
	if *out == "" || fs.NArg() != 1 {
		fs.Usage()
		os.Exit(2)
	}
	q := netroute.Query{}
	var err error
	if q.Dst, err = netip.ParseAddr(fs.Arg(0)); err != nil {
		return err
	}
	if *src != "" {
		if q.Src, err = netip.ParseAddr(*src); err != nil {
			return err
		}
	}
	req, err := netroute.Request(q, 1)
	if err != nil {
		return err
	}
	b, err := netroute.Exchange(req)
	if err != nil {
		return err
	}
	r, perr := netroute.ParseReply(b)
	fmt.Printf("route-get %s: %+v %v\n", fs.Arg(0), r, perr)
	return os.WriteFile(*out, b, 0o644)
}
