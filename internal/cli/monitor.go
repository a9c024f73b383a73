package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/internal/monitor"
	"github.com/gonvme/gonvme/internal/sdnotify"
	"github.com/gonvme/gonvme/internal/uevent"
	"github.com/gonvme/gonvme/nvmf"
)

// MonitorHooks replace what `gonvme monitor` takes from the host, in tests.
type MonitorHooks struct {
	// Uevents opens the kernel event source; nil means uevent.Listen.
	Uevents func() (UeventSource, error)
	// Reloads delivers a value for each reload request and stops with the
	// returned function; nil means SIGHUP.
	Reloads func() (<-chan struct{}, func())
}

// UeventSource is a stream of kernel uevents (see uevent.Listener).
type UeventSource interface {
	Read() (uevent.Uevent, error)
	Close() error
}

func monitorCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "monitor",
		Usage: "stay connected: keep a discovery controller to every configured one and connect what they offer as it changes",
		Description: "Runs in the foreground (systemd Type=notify). Keeps a persistent discovery controller\n" +
			"(ctrl_loss_tmo=-1) to every discovery controller in /etc/nvme/config.json and\n" +
			"/etc/nvme/discovery.conf, connects every path they offer as connect-all does, and again\n" +
			"when the kernel reports a discovery log change or a reconnect; a failure is retried with\n" +
			"backoff (1 s doubling to 5 min) for as long as the target is configured. SIGHUP reads the\n" +
			"configuration again; SIGTERM or SIGINT removes the discovery controllers it created (not\n" +
			"those configured --persistent), leaves every I/O controller connected and exits 0. It\n" +
			"exits 1 when the configuration names no discovery controller it can use.",
		Flags: []cli.Flag{
			outputFlag("normal", "log lines: normal or json"),
			&cli.StringFlag{Name: "config", Aliases: []string{"J"}, Value: config.JSONConfigPath, Usage: "JSON configuration `FILE`, or 'none'"},
			contextFlag(),
			&cli.BoolFlag{Name: "disconnect-stale", Usage: "disconnect the I/O controllers it connected whose path left every discovery log"},
			&cli.BoolFlag{Name: "status", Usage: "print the state a running monitor keeps in " + monitorStatusPath + " and exit"},
		},
		Action: func(c *cli.Context) error {
			if err := noArgs(c); err != nil {
				return err
			}
			format, err := outputFormat(c, "normal", "json")
			if err != nil {
				return err
			}
			if c.Bool("status") {
				return env.printMonitorStatus(format)
			}
			if err := env.requireRoot("monitor"); err != nil {
				return err
			}
			return env.runMonitor(c, format == "json")
		},
	}
}

// monitorConfig reads the discovery targets and connect settings.
func (env *Env) monitorConfig(c *cli.Context) (monitor.Config, []error, error) {
	env.json = nil // read again on every reload
	targets, errs, err := env.discoveryTargets(c)
	if err != nil {
		return monitor.Config{}, errs, err
	}
	base, err := env.commandOptions(c)
	if err != nil {
		return monitor.Config{}, errs, err
	}
	return monitor.Config{
		Targets:         targets,
		Walk:            nvmf.WalkOptions{Template: base, Configure: env.configure(c.String("config"))},
		DisconnectStale: c.Bool("disconnect-stale"),
	}, errs, nil
}

func (env *Env) runMonitor(c *cli.Context, jsonLines bool) error {
	log := &monitorLog{env: env, json: jsonLines}
	cfg, errs, err := env.monitorConfig(c)
	log.configErrors(errs)
	if err != nil {
		return err
	}
	if len(cfg.Targets) == 0 {
		return fmt.Errorf("monitor: no discovery controller to watch: fix the configuration errors above and start it again")
	}
	open := env.MonitorHooks.Uevents
	if open == nil {
		open = func() (UeventSource, error) { return uevent.Listen() }
	}
	src, err := open()
	if err != nil {
		return fmt.Errorf("monitor: %w; it needs the kernel's uevents to see discovery log changes", err)
	}
	lookup := env.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	sock, _ := lookup("NOTIFY_SOCKET")
	log.notify = sdnotify.New(sock)
	ctx, cancel := context.WithCancel(env.interruptible())
	defer cancel()
	events := make(chan monitor.Event, 16)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		readUevents(ctx, src, events, log)
	}()
	reloads, stopReloads := env.reloadRequests()
	defer stopReloads()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-reloads:
			}
			load := func() (monitor.Config, error) {
				_ = log.notify.Notify("RELOADING=1")
				cfg, errs, err := env.monitorConfig(c)
				log.configErrors(errs)
				return cfg, err
			}
			select {
			case events <- monitor.Event{Kind: monitor.Reload, Load: load}:
			case <-ctx.Done():
				return
			}
		}
	}()
	m := monitor.New(monitor.EdgeHost(env.Edge), monitor.SystemClock{}, cfg)
	log.status = m.Status
	log.started(len(cfg.Targets))
	m.Run(ctx, events, log)
	cancel()
	src.Close()
	<-readerDone
	return nil
}

// readUevents turns kernel uevents into monitor events until ctx is done
// or the source fails.
func readUevents(ctx context.Context, src UeventSource, events chan<- monitor.Event, log *monitorLog) {
	for {
		u, err := src.Read()
		var ev monitor.Event
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, uevent.ErrOverflow):
			log.line("warning", "kernel events were lost; reading every discovery log again", nil)
			ev = monitor.Event{Kind: monitor.Lost}
		case err != nil:
			log.line("error", fmt.Sprintf("no more kernel events: %v; log changes go unnoticed until a restart", err), nil)
			return
		default:
			var ok bool
			if ev, ok = monitor.FromUevent(u); !ok {
				continue
			}
		}
		select {
		case events <- ev:
		case <-ctx.Done():
			return
		}
	}
}

// reloadRequests delivers SIGHUP, or what MonitorHooks.Reloads gives.
func (env *Env) reloadRequests() (<-chan struct{}, func()) {
	if env.MonitorHooks.Reloads != nil {
		return env.MonitorHooks.Reloads()
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP)
	out := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sig:
				select {
				case out <- struct{}{}:
				default: // one reload pending is enough
				}
			case <-done:
				return
			}
		}
	}()
	return out, func() { signal.Stop(sig); close(done) }
}
