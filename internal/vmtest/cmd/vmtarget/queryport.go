package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/rdma"
)

// query-port writes the kernel's raw answer to the uverbs QUERY_PORT of
// each port of each named RDMA device to --out/DEV-portN.bin, the fixtures
// rdma.ParseQueryPortResp is tested on.
func queryPortCmd(args []string) error {
	fs := flag.NewFlagSet("query-port", flag.ExitOnError)
	out := fs.String("out", "", "output directory (required)")
	_ = fs.Parse(args)
	if *out == "" || fs.NArg() == 0 {
		fs.Usage()
		os.Exit(2)
	}
	devs, err := rdma.Read(hostfs.FS{})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, name := range fs.Args() {
		var ports []int
		for _, d := range devs {
			if d.Name == name {
				for _, p := range d.Ports {
					ports = append(ports, p.Number)
				}
			}
		}
		if len(ports) == 0 {
			return fmt.Errorf("no RDMA device %s with ports", name)
		}
		path, err := rdma.VerbsDevice(hostfs.FS{}, name)
		if err != nil {
			return err
		}
		raw, err := rdma.QueryPortsRaw(path, ports)
		if err != nil {
			return err
		}
		for p, b := range raw {
			a, perr := rdma.ParseQueryPortResp(b)
			fmt.Printf("query-port %s/%d: %+v %v\n", name, p, a, perr)
			if err := os.WriteFile(filepath.Join(*out, fmt.Sprintf("%s-port%d.bin", name, p)), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
