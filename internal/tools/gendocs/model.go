package main

import (
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

// doc is the part of the command tree that manual pages and completion
// scripts are made of, taken out of urfave/cli's types once so that both
// generators see the same thing.
type doc struct {
	Name     string
	Usage    string
	Version  string
	Date     string // YYYY-MM-DD, the .TH date
	Global   []option
	Commands []command
}

type command struct {
	Name        string
	Aliases     []string
	Usage       string
	Description string
	Args        string // the arguments after the options, "[DEVICE]"; "" for none
	Options     []option
}

// option is one flag with all its spellings.
type option struct {
	Long    string   // "transport" (without dashes)
	Shorts  []string // "t" (without dash); empty when the flag has no letter
	Value   string   // placeholder such as "TRANSPORT"; "" for a switch
	Usage   string   // help text with the placeholder's backticks removed
	Default string   // default value worth showing; "" when none
}

// spellings returns the option's names with their dashes, short ones
// first: "-t", "--transport".
func (o option) spellings() []string {
	var s []string
	for _, sh := range o.Shorts {
		s = append(s, "-"+sh)
	}
	return append(s, "--"+o.Long)
}

// model reads app, which must have been set up (app.Setup) so that its
// own flags (--help, --version) are present.
func model(app *cli.App, version, date string) doc {
	d := doc{Name: app.Name, Usage: app.Usage, Version: version, Date: date}
	d.Global = options(app.VisibleFlags())
	for _, c := range app.VisibleCommands() {
		flags := c.VisibleFlags()
		if !c.HideHelp && cli.HelpFlag != nil && !hasFlag(flags, cli.HelpFlag) {
			flags = append(flags, cli.HelpFlag)
		}
		d.Commands = append(d.Commands, command{
			Name:        c.Name,
			Aliases:     c.Aliases,
			Usage:       c.Usage,
			Description: strings.TrimSpace(c.Description),
			Args:        c.ArgsUsage,
			Options:     options(flags),
		})
	}
	return d
}

func hasFlag(flags []cli.Flag, f cli.Flag) bool {
	for _, g := range flags {
		if g.Names()[0] == f.Names()[0] {
			return true
		}
	}
	return false
}

// options converts flags in the order the command defines them, which is
// the order of its --help; --help itself goes last.
func options(flags []cli.Flag) []option {
	var out []option
	for _, f := range flags {
		names := f.Names()
		o := option{Long: names[0]}
		for _, a := range names[1:] {
			if len(a) == 1 {
				o.Shorts = append(o.Shorts, a)
			}
		}
		if df, ok := f.(cli.DocGenerationFlag); ok {
			placeholder, usage := unquote(df.GetUsage())
			o.Usage = usage
			if df.TakesValue() {
				o.Value = placeholder
				if o.Value == "" {
					o.Value = strings.ToUpper(strings.ReplaceAll(o.Long, "-", "_"))
				}
				if v := df.GetValue(); v != "" && v != "0" && !strings.Contains(usage, "default") {
					o.Default = v
				}
			}
		}
		out = append(out, o)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Long != "help" && out[j].Long == "help"
	})
	return out
}

// unquote takes the first `quoted` word of a usage string as the value's
// placeholder, the convention urfave/cli's own help follows, and returns
// it and the usage without the backticks.
func unquote(usage string) (string, string) {
	i := strings.IndexByte(usage, '`')
	if i < 0 {
		return "", usage
	}
	j := strings.IndexByte(usage[i+1:], '`')
	if j < 0 {
		return "", usage
	}
	name := usage[i+1 : i+1+j]
	return name, usage[:i] + name + usage[i+1+j+1:]
}
