package cli

import (
	"github.com/urfave/cli/v2"
)

// refusal is an nvme-cli flag gonvme knows but does not take, with why.
type refusal struct {
	name   string
	isBool bool
	why    string
}

var (
	refuseNBFT = []refusal{
		{"nbft", true, "gonvme does not read NBFT (boot firmware) tables; give the discovery controller with -t/-a, or list it in /etc/nvme/discovery.conf"},
		{"no-nbft", true, "gonvme never reads NBFT (boot firmware) tables, so there is nothing to turn off; leave the flag out"},
		{"nbft-path", false, "gonvme does not read NBFT (boot firmware) tables; give the discovery controller with -t/-a, or list it in /etc/nvme/discovery.conf"},
	}
	refuseNoRetries = refusal{"no-retries", true,
		"gonvme never retries a failed admin command (nvme-cli retries on EAGAIN/EINTR unless --no-retries), so there is nothing to turn off; leave the flag out"}
)

// refusedFlags defines nvme-cli flags that gonvme refuses (see
// checkRefused), hidden from help: a flag that was accepted and then
// ignored would make a script believe it had taken effect.
func refusedFlags(rs ...refusal) []cli.Flag {
	var fl []cli.Flag
	for _, r := range rs {
		usage := "refused: " + r.why
		if r.isBool {
			fl = append(fl, &cli.BoolFlag{Name: r.name, Usage: usage, Hidden: true})
		} else {
			fl = append(fl, &cli.StringFlag{Name: r.name, Usage: usage, Hidden: true})
		}
	}
	return fl
}

// checkRefused is a command's Before: a usage error for the first refused
// flag given.
func checkRefused(rs ...refusal) cli.BeforeFunc {
	return func(c *cli.Context) error {
		for _, r := range rs {
			if c.IsSet(r.name) {
				return usageErrorf("--%s is not supported: %s", r.name, r.why)
			}
		}
		return nil
	}
}
