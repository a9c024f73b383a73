package cli

import (
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/gonvme/gonvme/config"
	"github.com/gonvme/gonvme/fabrics"
)

// urfaveFlags builds the command-line flags; letters listed in taken are
// left to the command's own flags (nvme-cli gives -d to --device in
// discover and connect-all).
func urfaveFlags(taken ...string) []cli.Flag {
	skip := map[string]bool{}
	for _, t := range taken {
		skip[t] = true
	}
	var fl []cli.Flag
	for _, f := range config.Flags {
		var aliases []string
		if f.Short != "" && !skip[f.Short] {
			aliases = []string{f.Short}
		}
		if f.Kind == config.FlagBool {
			fl = append(fl, &cli.BoolFlag{Name: f.Long, Aliases: aliases, Usage: f.Usage})
		} else {
			fl = append(fl, &cli.StringFlag{Name: f.Long, Aliases: aliases, Usage: f.Usage})
		}
	}
	return fl
}

// contextLookup reads flags from a parsed command line.
func contextLookup(c *cli.Context) func(string) (string, bool) {
	return func(long string) (string, bool) {
		if !c.IsSet(long) {
			return "", false
		}
		if v, ok := c.Value(long).(bool); ok {
			return strconv.FormatBool(v), true
		}
		return c.String(long), true
	}
}

// optionsFrom is config.OptionsFrom with its errors as usage errors.
func optionsFrom(lookup func(long string) (string, bool)) (fabrics.Options, error) {
	o, err := config.OptionsFrom(lookup)
	if err != nil {
		return o, &usageError{err}
	}
	return o, nil
}
