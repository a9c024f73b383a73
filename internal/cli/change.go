package cli

import "github.com/urfave/cli/v2"

// change is the shape of a command that changes kernel state: connect,
// connect-all, disconnect, disconnect-all and discover.
type change struct {
	name    string   // the command, as the root check names it
	formats []string // the -o values it takes (see outputFormat); none: no -o
	journal bool     // follow the kernel log while it runs, to explain failures
}

// changeAction is the Action of such a command. It refuses arguments,
// reads -o and calls prepare, which checks the input, writes nothing and
// returns the change to make. A nil run (a dry run, or nothing to do) ends
// the command; otherwise root is required and run runs, with the kernel
// log followed when ch.journal.
func (env *Env) changeAction(ch change, prepare func(c *cli.Context, format string) (run func() error, err error)) cli.ActionFunc {
	return func(c *cli.Context) error {
		if err := noArgs(c); err != nil {
			return err
		}
		var format string
		if len(ch.formats) > 0 {
			var err error
			if format, err = outputFormat(c, ch.formats...); err != nil {
				return err
			}
		}
		run, err := prepare(c, format)
		if err != nil || run == nil {
			return err
		}
		if err := env.requireRoot(ch.name); err != nil {
			return err
		}
		if ch.journal {
			env.startJournal()
			defer env.stopJournal()
		}
		return run()
	}
}
