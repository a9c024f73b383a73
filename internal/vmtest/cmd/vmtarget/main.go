// Command vmtarget sets up and tears down an nvmet NVMe-oF target inside the
// gonvme test guest, and snapshots sysfs for fixtures. Build it static
// (CGO_ENABLED=0) and pass it to internal/vmtest/run.sh.
//
//	vmtarget setup --rdma 169.254.99.1:4420 --tcp 127.0.0.1:4420 \
//	    --subsystems 2 --namespaces 2 --nqn-prefix nqn.2026-11.io.gonvme:test \
//	    --referral 1@tcp:127.0.0.1:4420
//	vmtarget link|unlink --port 1 --nqn NQN
//	vmtarget show
//	vmtarget teardown
//	vmtarget snapshot-sysfs --out DIR [--depth N] PATTERN…
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gonvme/gonvme/nvmet"
)

func usage() {
	fmt.Fprint(os.Stderr, `usage: vmtarget <command> [flags]
commands:
  setup            create null_blk namespaces, subsystems, ports, links, referrals
  teardown         remove everything under nvmet/ and nullb/
  link, unlink     --port ID --nqn NQN
  show             print ports, links, referrals and subsystems
  snapshot-sysfs   copy sysfs attributes and symlinks to a directory
  route-get        write the kernel's raw netlink route answer for an address
  query-port       write the kernel's raw uverbs QUERY_PORT answers of RDMA devices
run "vmtarget <command> -h" for flags
`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "setup":
		err = setup(args)
	case "teardown":
		fs := flag.NewFlagSet(cmd, flag.ExitOnError)
		root := fs.String("root", nvmet.DefaultRoot, "configfs root")
		_ = fs.Parse(args)
		err = nvmet.New(*root).Teardown()
	case "link", "unlink":
		fs := flag.NewFlagSet(cmd, flag.ExitOnError)
		root := fs.String("root", nvmet.DefaultRoot, "configfs root")
		port := fs.Int("port", 1, "port id")
		nqn := fs.String("nqn", "", "subsystem NQN (required)")
		_ = fs.Parse(args)
		if *nqn == "" {
			fs.Usage()
			os.Exit(2)
		}
		t := nvmet.New(*root)
		if cmd == "link" {
			err = t.Link(*port, *nqn)
		} else {
			err = t.Unlink(*port, *nqn)
		}
	case "show":
		fs := flag.NewFlagSet(cmd, flag.ExitOnError)
		root := fs.String("root", nvmet.DefaultRoot, "configfs root")
		_ = fs.Parse(args)
		err = show(nvmet.New(*root))
	case "snapshot-sysfs":
		err = snapshotCmd(args)
	case "route-get":
		err = routeGetCmd(args)
	case "query-port":
		err = queryPortCmd(args)
	case "-h", "--help", "help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "vmtarget: unknown command %q\n", cmd)
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vmtarget:", err)
		os.Exit(1)
	}
}

// portFlag collects --rdma/--tcp values in command-line order.
type portSpec struct {
	addr nvmet.Addr
	sel  []int // subsystem indexes (1-based) to link; nil = all
}

type portList struct {
	trtype string
	list   *[]portSpec
}

func (p portList) String() string { return "" }

// Set parses ADDR:PORT[=SEL]; SEL is "none" or a list like 1,3-4.
func (p portList) Set(v string) error {
	hp, sel, hasSel := strings.Cut(v, "=")
	a, err := nvmet.HostPort(p.trtype, hp)
	if err != nil {
		return err
	}
	ps := portSpec{addr: a}
	if hasSel {
		ps.sel = []int{}
		if sel != "none" && sel != "" {
			for _, part := range strings.Split(sel, ",") {
				lo, hi, isRange := strings.Cut(part, "-")
				l, err1 := strconv.Atoi(lo)
				h := l
				var err2 error
				if isRange {
					h, err2 = strconv.Atoi(hi)
				}
				if err1 != nil || err2 != nil || l < 1 || h < l {
					return fmt.Errorf("bad subsystem selection %q", sel)
				}
				for i := l; i <= h; i++ {
					ps.sel = append(ps.sel, i)
				}
			}
		}
	}
	*p.list = append(*p.list, ps)
	return nil
}

type strList []string

func (s *strList) String() string     { return strings.Join(*s, ",") }
func (s *strList) Set(v string) error { *s = append(*s, v); return nil }

func setup(args []string) error {
	fs := flag.NewFlagSet("setup", flag.ExitOnError)
	root := fs.String("root", nvmet.DefaultRoot, "configfs root")
	var ports []portSpec
	fs.Var(portList{"rdma", &ports}, "rdma", "RDMA port ADDR:PORT[=SEL] (repeatable; SEL: none or subsystem list like 1,3-4; default all)")
	fs.Var(portList{"tcp", &ports}, "tcp", "TCP port ADDR:PORT[=SEL] (repeatable)")
	nsubs := fs.Int("subsystems", 1, "number of subsystems")
	nns := fs.Int("namespaces", 1, "namespaces per subsystem")
	sizeMB := fs.Int("size-mb", 64, "size of each null_blk namespace in MiB")
	prefix := fs.String("nqn-prefix", "nqn.2026-11.io.gonvme:test", "subsystem NQN prefix; subsystem i is <prefix><i>")
	serial := fs.String("serial-prefix", "gonvme", "serial of subsystem i is <prefix><i> (\"\" = kernel random)")
	var hosts, refs strList
	fs.Var(&hosts, "allow-host", "host NQN allowed (repeatable); default any host")
	fs.Var(&refs, "referral", "[PORTID@]TRTYPE:ADDR:PORT[/REFPORTID] discovery referral (repeatable; default on port 1)")
	quiet := fs.Bool("quiet", false, "print nothing")
	_ = fs.Parse(args)
	if fs.NArg() > 0 {
		return fmt.Errorf("setup: unexpected argument %q", fs.Arg(0))
	}

	t := nvmet.New(*root)
	say := func(format string, a ...any) {
		if !*quiet {
			fmt.Printf(format+"\n", a...)
		}
	}
	nb := 0
	var nqns []string
	for i := 1; i <= *nsubs; i++ {
		s := nvmet.Subsystem{NQN: fmt.Sprintf("%s%d", *prefix, i), AllowAnyHost: len(hosts) == 0, AllowedHosts: hosts}
		if *serial != "" {
			s.Serial = fmt.Sprintf("%s%d", *serial, i)
		}
		var devs []string
		for n := 1; n <= *nns; n++ {
			dev, err := t.CreateNullBlk(fmt.Sprintf("nullb%d", nb), *sizeMB)
			if err != nil {
				return err
			}
			nb++
			devs = append(devs, dev)
			s.Namespaces = append(s.Namespaces, nvmet.Namespace{
				NSID: n, DevicePath: dev,
				// Deterministic identifiers keep captured fixtures stable.
				UUID:  fmt.Sprintf("6f6e766d-%04x-4000-8000-%012x", i, n),
				NGUID: fmt.Sprintf("6f6e766d-%04x-4000-8000-%012x", i, n),
			})
		}
		if err := t.CreateSubsystem(s); err != nil {
			return err
		}
		nqns = append(nqns, s.NQN)
		say("subsystem %s namespaces=%d devices=%s", s.NQN, *nns, strings.Join(devs, ","))
	}
	for i, p := range ports {
		id := i + 1
		if err := t.CreatePort(id, p.addr); err != nil {
			return err
		}
		linked := 0
		for j, nqn := range nqns {
			if p.sel != nil && !contains(p.sel, j+1) {
				continue
			}
			if err := t.Link(id, nqn); err != nil {
				return err
			}
			linked++
		}
		say("port %d %s subsystems=%d", id, p.addr, linked)
	}
	for _, r := range refs {
		on := 1
		if at, rest, ok := strings.Cut(r, "@"); ok {
			n, err := strconv.Atoi(at)
			if err != nil {
				return fmt.Errorf("referral %q: bad port id", r)
			}
			on, r = n, rest
		}
		refPort := 0
		if a, b, ok := strings.Cut(r, "/"); ok {
			n, err := strconv.Atoi(b)
			if err != nil {
				return fmt.Errorf("referral %q: bad referred port id", r)
			}
			r, refPort = a, n
		}
		a, err := nvmet.ParseAddr(r)
		if err != nil {
			return err
		}
		if refPort == 0 { // refer to one of our ports by address
			for i, p := range ports {
				if p.addr == a {
					refPort = i + 1
				}
			}
		}
		name := fmt.Sprintf("ref-%s-%s-%s", a.Trtype, a.Traddr, a.Trsvcid)
		if err := t.AddReferral(on, name, a, refPort); err != nil {
			return err
		}
		say("referral on port %d -> %s (portid %d)", on, a, refPort)
	}
	return nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func show(t *nvmet.Target) error {
	ports, err := t.Ports()
	if err != nil {
		return err
	}
	for _, id := range ports {
		a, err := t.PortAddr(id)
		if err != nil {
			return err
		}
		links, _ := t.Links(id)
		refs, _ := t.Referrals(id)
		fmt.Printf("port %d %s\n", id, a)
		for _, l := range links {
			fmt.Printf("  subsystem %s\n", l)
		}
		for _, r := range refs {
			fmt.Printf("  referral %s\n", r)
		}
	}
	subs, err := t.Subsystems()
	if err != nil {
		return err
	}
	for _, s := range subs {
		fmt.Printf("subsystem %s\n", s)
	}
	if len(ports) == 0 && len(subs) == 0 {
		return errors.New("no target configured")
	}
	return nil
}
