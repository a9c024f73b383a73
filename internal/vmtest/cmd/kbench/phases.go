//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gonvme/gonvme/discovery"
	"github.com/gonvme/gonvme/fabrics"
	"github.com/gonvme/gonvme/hostfs"
	"github.com/gonvme/gonvme/internal/compat"
	"github.com/gonvme/gonvme/internal/render"
	"github.com/gonvme/gonvme/ioctl"
	"github.com/gonvme/gonvme/nqn"
	"github.com/gonvme/gonvme/nvmf"
	"github.com/gonvme/gonvme/topology"
)

// phases times the steps of gonvme's list, list-subsys and connect-all (with
// everything connected) inside one process, to show where their time goes.
// Each step runs three times; all times are printed.
func phases(args []string) error {
	fs := hostfs.New("")
	e := nvmf.NewEdge(fs)
	step := func(name string, f func() error) error {
		for i := 0; i < 3; i++ {
			start := time.Now()
			if err := f(); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			fmt.Printf("phase %-28s %8.2f ms\n", name, float64(time.Since(start).Microseconds())/1000)
		}
		return nil
	}
	topo, err := e.Scan()
	if err != nil {
		return err
	}
	fmt.Printf("phase topology: %d controllers, %d subsystems\n", len(topo.Controllers), len(topo.Subsystems))
	light, err := topology.ScanView(fs, topology.NamespacesView)
	if err != nil {
		return err
	}
	var host render.HostIdent
	host.HostNQN, _ = nqn.ReadHostNQN(fs)
	host.HostID, _ = nqn.ReadHostID(fs)
	var discs []string // discovery controllers created by the steps below
	steps := []struct {
		name string
		f    func() error
	}{
		{"topology.Scan (Everything)", func() error { _, err := e.Scan(); return err }},
		{"topology.ScanPaths", func() error { _, err := topology.ScanPaths(fs); return err }},
		{"topology.ScanView(SubsystemsView)", func() error { _, err := topology.ScanView(fs, topology.SubsystemsView); return err }},
		{"topology.ScanView(NamespacesView)", func() error { _, err := topology.ScanView(fs, topology.NamespacesView); return err }},
		{"namespace names (/sys/block)", func() error { _, err := e.NamespaceNames(); return err }},
		{"IdentifyNamespaces", func() error {
			names, err := e.NamespaceNames()
			if err != nil {
				return err
			}
			if ids := e.IdentifyNamespaces(names); len(ids) != len(names) {
				return fmt.Errorf("identified %d of %d namespaces", len(ids), len(names))
			}
			return nil
		}},
		{"Devices (Everything, no Identify)", func() error { e.Devices(topo, nil); return nil }},
		{"Devices (NamespacesView, no Identify)", func() error { e.Devices(light, nil); return nil }},
		{"host identity files", func() error {
			nqn.ReadHostNQN(fs)
			nqn.ReadHostID(fs)
			return nil
		}},
		{"list render text", func() error {
			devs := e.Devices(topo, nil)
			prof := compat.New(compat.Default)
			render.SortDevices(prof, host, topo, devs)
			return render.ListText(io.Discard, prof, devs)
		}},
		{"list-subsys render text", func() error { return render.SubsysText(io.Discard, compat.New(compat.Default), host, topo, false) }},
		{"discover (create, log, delete)", func() error {
			_, err := e.Discover(nvmf.Target{Options: target(args)}, nvmf.DiscoverOptions{})
			return err
		}},
		{"discovery: connect", func() error {
			v, err := discOpts(args).Check()
			if err != nil {
				return err
			}
			r, err := fabrics.Connect(e.Kernel, v)
			if err == nil {
				discs = append(discs, r.Device())
			}
			return err
		}},
		{"discovery: log page (discovery.Fetch)", func() error {
			if len(discs) == 0 {
				return nil
			}
			d, err := ioctl.Open("/dev/" + discs[len(discs)-1])
			if err != nil {
				return err
			}
			defer d.Close()
			_, _, err = discovery.Fetch(d, discovery.DefaultRetries)
			return err
		}},
		{"discovery: log page, 1 command", func() error {
			if len(discs) == 0 {
				return nil
			}
			d, err := ioctl.Open("/dev/" + discs[len(discs)-1])
			if err != nil {
				return err
			}
			defer d.Close()
			buf := make([]byte, discovery.HeaderSize+len(topo.Controllers)*discovery.EntrySize)
			return ioctl.GetLogPage(d, discovery.LogPageID, 0, 0, false, buf)
		}},
		{"discovery: delete", func() error {
			if len(discs) == 0 {
				return nil
			}
			err := fabrics.Disconnect(fs, discs[len(discs)-1])
			discs = discs[:len(discs)-1]
			return err
		}},
		{"Walk (scan + discovery)", func() error {
			_, err := e.Walk(context.Background(), []nvmf.Target{{Options: target(args)}}, nvmf.WalkOptions{})
			return err
		}},
	}
	for _, s := range steps {
		if err := step(s.name, s.f); err != nil {
			return err
		}
	}
	return nil
}

// target is the discovery target "TRANSPORT TRADDR TRSVCID" of args
// (default rdma 169.254.99.1 4420) with the host identity of /etc/nvme.
func target(args []string) fabrics.Options {
	o := fabrics.Options{Transport: "rdma", Traddr: "169.254.99.1", Trsvcid: "4420"}
	if len(args) == 3 {
		o.Transport, o.Traddr, o.Trsvcid = args[0], args[1], args[2]
	}
	if id, err := nqn.ResolveIdentity(hostfs.New(""), "", ""); err == nil {
		o.HostNQN, o.HostID = id.HostNQN, id.HostID
	}
	return o
}

// discOpts is the discovery controller connect of target(args), as gonvme
// makes it (well-known NQN, no keep-alive, default ctrl_loss_tmo).
func discOpts(args []string) fabrics.Options {
	o := target(args)
	o.NQN = nqn.Discovery
	o.CtrlLossTmo = fabrics.Int(nvmf.DefaultCtrlLossTmo)
	return o
}
